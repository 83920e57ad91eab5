package com.example.bridge.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ColumnTextTest {

    @Test
    void text_that_fits_is_kept() {
        assertEquals("Acme AB", ColumnText.fit("Acme AB", 7));
        assertNull(ColumnText.fit(null, 7));
    }

    @Test
    void longer_text_is_cut_to_the_length() {
        assertEquals("Acme", ColumnText.fit("Acme AB", 4));
    }

    @Test
    void a_cut_never_keeps_half_of_a_surrogate_pair() {
        String rocket = "\uD83D\uDE80";
        assertEquals("abc", ColumnText.fit("abc" + rocket, 4));
        assertEquals("ab" + rocket, ColumnText.fit("ab" + rocket + "d", 4));
    }

    @Test
    void nul_becomes_the_replacement_character() {
        assertEquals("a\uFFFDb", ColumnText.fit("a\u0000b", 10));
    }
}
