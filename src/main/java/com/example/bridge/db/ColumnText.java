package com.example.bridge.db;

/** Text from outside (a receiver's answer, an account name from Oneflow) made to fit a VARCHAR column. */
public final class ColumnText {

    private ColumnText() {
    }

    /**
     * At most {@code maxLength} characters, never half of a surrogate pair, with U+0000 as U+FFFD: PostgreSQL's text
     * refuses U+0000, and a value longer than its column fails an INSERT or UPDATE that does not cast it.
     */
    public static String fit(String text, int maxLength) {
        if (text == null) {
            return null;
        }
        String cleaned = text.replace('\u0000', '\uFFFD');
        if (cleaned.length() <= maxLength) {
            return cleaned;
        }
        int end = Character.isHighSurrogate(cleaned.charAt(maxLength - 1)) ? maxLength - 1 : maxLength;
        return cleaned.substring(0, end);
    }
}
