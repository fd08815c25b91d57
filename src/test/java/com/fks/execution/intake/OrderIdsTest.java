package com.fks.execution.intake;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

final class OrderIdsTest {
    /** Binance's newClientOrderId pattern; Coinbase's client_order_id accepts the same. */
    private static final String BINANCE_CLIENT_ORDER_ID = "^[.A-Z:/a-z0-9_-]{1,36}$";

    @Test
    void shouldMakeA32CharacterHexOrderId() {
        // when
        String id = OrderIds.newOrderId();

        // then
        assertThat(id).matches("[0-9a-f]{32}");
    }

    @Test
    void shouldMakeADifferentOrderIdEachTime() {
        // when
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(OrderIds.newOrderId());
        }

        // then
        assertThat(ids).hasSize(10_000);
    }

    @Test
    void shouldDeriveAClientOrderIdTheExchangesAccept() {
        // given
        String orderId = OrderIds.newOrderId();

        // when
        String clientOrderId = OrderIds.clientOrderId(orderId);

        // then
        assertThat(clientOrderId).isEqualTo("fks" + orderId).hasSize(35).matches(BINANCE_CLIENT_ORDER_ID);
    }

    @Test
    void shouldDeriveTheSameClientOrderIdForTheSameOrder() {
        // when / then: a retry must reuse it, so the exchange can refuse a second order
        assertThat(OrderIds.clientOrderId("0123456789abcdef0123456789abcdef"))
                .isEqualTo(OrderIds.clientOrderId("0123456789abcdef0123456789abcdef"))
                .isEqualTo("fks0123456789abcdef0123456789abcdef");
    }

    @Test
    void shouldWriteTheTimeAsTwelveHexDigitsThenTheRandomBytes() {
        // given: the same random bytes for the id and for the expected text
        long[] times = {0L, 1L, 1_767_323_045_123L, (1L << 48) - 1, 1L << 48};

        for (long millis : times) {
            // when
            String id = OrderIds.orderId(millis, new java.util.Random(millis));

            // then
            byte[] random = new byte[10];
            new java.util.Random(millis).nextBytes(random);
            assertThat(id).isEqualTo(String.format("%012x", millis) + java.util.HexFormat.of().formatHex(random));
        }
    }
}
