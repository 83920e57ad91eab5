package com.example.bridge.oneflow;

import static com.example.bridge.db.SqlTimes.isoInstant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import org.apache.camel.Variable;

/** The JSON answers of the Oneflow entry points. No answer ever carries a whole token. */
public class AccountReplies {

    private final String oauthLink;

    public AccountReplies(String oauthLink) {
        this.oauthLink = oauthLink == null || oauthLink.isBlank() ? null : oauthLink;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Linked(@JsonProperty("account_id") long accountId, String status,
                         @JsonProperty("account_name") String accountName,
                         @JsonProperty("oauth_link") String oauthLink) {
    }

    public record Disabled(@JsonProperty("account_id") long accountId, String status) {
    }

    public record AccountView(@JsonProperty("account_id") long accountId, String status,
                              @JsonProperty("account_name") String accountName,
                              @JsonProperty("user_email") String userEmail, String token,
                              @JsonProperty("updated_at") String updatedAt) {
    }

    public Linked linked(@Variable("account") OneflowAccount account) {
        return new Linked(account.id(), "enabled", account.name(), oauthLink);
    }

    public Disabled disabled(@Variable("setup") SetupEvent event) {
        return new Disabled(event.accountId(), "disabled");
    }

    /** {@code row} is one row of oneflow_account, its columns aliased in lower case. */
    public AccountView view(Map<String, Object> row) {
        return new AccountView(((Number) row.get("account_id")).longValue(),
                ((String) row.get("status")).toLowerCase(), (String) row.get("account_name"),
                (String) row.get("user_email"), mask((String) row.get("api_token")), isoInstant(row.get("updated_at")));
    }

    static String mask(String token) {
        if (token == null) {
            return null;
        }
        return token.length() < 12 ? "****" : token.substring(0, 4) + "..." + token.substring(token.length() - 4);
    }
}
