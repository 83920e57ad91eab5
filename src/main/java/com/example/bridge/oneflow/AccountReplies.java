package com.example.bridge.oneflow;

import static com.example.bridge.db.SqlTimes.isoInstant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import org.apache.camel.Variable;

/** The JSON answers of the Oneflow entry points. Only {@link AccountToken} carries a whole token. */
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

    /** The one answer that carries a whole token: GET /oneflow/accounts/{id}/token, admin key only. */
    public record AccountToken(@JsonProperty("account_id") long accountId, String token) {
    }

    public record Rotation(int rotated, @JsonProperty("remaining_under_old_keys") int remainingUnderOldKeys) {
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

    /** {@code row}: account_id and api_token, the token in clear. */
    public AccountToken token(Map<String, Object> row) {
        return new AccountToken(((Number) row.get("account_id")).longValue(), (String) row.get("api_token"));
    }

    public Rotation rotation(@Variable("underOldKeysBefore") int before, @Variable("underOldKeysAfter") int after) {
        return new Rotation(before - after, after);
    }

    static String mask(String token) {
        if (token == null) {
            return null;
        }
        return token.length() < 12 ? "****" : token.substring(0, 4) + "..." + token.substring(token.length() - 4);
    }
}
