package com.fks.execution.exchange.paper;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The values of the paper book's log and rows read back exactly as written, whatever their characters. */
final class PaperBookLogCodecTest {
    @Test
    void shouldReadBackEveryKindOfValueExactly() throws Exception {
        Object[] values = {"fks0123", null, Long.valueOf(-1_733_000_000_000L), new BigDecimal("0.000000000000000001"),
                new BigDecimal("1E+3"), "é日本🚀\"\\{}", "", Long.valueOf(0), new BigDecimal("-64000.50")};

        byte[] encoded = PaperBookLog.encode(values);
        Object[] decoded = PaperBookLog.decode(ByteBuffer.wrap(encoded));

        assertThat(decoded).containsExactly(values);
        assertThat(((BigDecimal) decoded[4]).scale()).isEqualTo(-3);
        // 1 byte of count; 1 per null; 9 per long; 5 per text (decimals as their toString) and its UTF-8 bytes
        int textBytes = 7 + "1E-18".length() + "1E+3".length() + "é日本🚀\"\\{}".getBytes(StandardCharsets.UTF_8).length
                + 0 + "-64000.50".length();
        assertThat(encoded).hasSize(1 + 1 + 2 * 9 + 6 * 5 + textBytes);
    }
}
