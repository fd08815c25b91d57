package com.fks.execution.intake;

import com.fks.execution.config.Cidr;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

final class IpAllowListTest {
    private final IpAllowList tradingViewAndLoopback = new IpAllowList(List.of(
            Cidr.parse("52.89.214.238"), Cidr.parse("34.212.75.30"), Cidr.parse("54.218.53.128"),
            Cidr.parse("52.32.178.7"), Cidr.parse("127.0.0.1"), Cidr.parse("::1")));

    @Test
    void shouldAllowEachListedAddress() throws Exception {
        // when / then
        assertThat(tradingViewAndLoopback.allows(ip("52.89.214.238"))).isTrue();
        assertThat(tradingViewAndLoopback.allows(ip("34.212.75.30"))).isTrue();
        assertThat(tradingViewAndLoopback.allows(ip("54.218.53.128"))).isTrue();
        assertThat(tradingViewAndLoopback.allows(ip("52.32.178.7"))).isTrue();
        assertThat(tradingViewAndLoopback.allows(ip("127.0.0.1"))).isTrue();
        assertThat(tradingViewAndLoopback.allows(ip("::1"))).isTrue();
    }

    @Test
    void shouldRefuseAnAddressNextToAListedOne() throws Exception {
        // when / then
        assertThat(tradingViewAndLoopback.allows(ip("52.89.214.239"))).isFalse();
        assertThat(tradingViewAndLoopback.allows(ip("127.0.0.2"))).isFalse();
        assertThat(tradingViewAndLoopback.allows(ip("::2"))).isFalse();
    }

    @Test
    void shouldAllowAddressesInsideAListedBlock() throws Exception {
        // given
        IpAllowList list = new IpAllowList(List.of(Cidr.parse("192.168.0.0/16"), Cidr.parse("2001:db8::/32")));

        // when / then
        assertThat(list.allows(ip("192.168.255.255"))).isTrue();
        assertThat(list.allows(ip("192.169.0.0"))).isFalse();
        assertThat(list.allows(ip("2001:db8:ffff::1"))).isTrue();
        assertThat(list.allows(ip("2001:db9::1"))).isFalse();
    }

    @Test
    void shouldAllowEveryoneWhenTheCheckIsDisabled() throws Exception {
        // given: IP_WHITELIST=*
        IpAllowList disabled = new IpAllowList(null);

        // when / then
        assertThat(disabled.allows(ip("203.0.113.9"))).isTrue();
        assertThat(disabled.allows(ip("2001:db8::1"))).isTrue();
        assertThat(disabled.allows(null)).isTrue();
    }

    @Test
    void shouldRefuseAnUnreadableAddress() {
        // when / then
        assertThat(tradingViewAndLoopback.allows(null)).isFalse();
    }

    @Test
    void shouldRefuseEveryoneWithAnEmptyList() throws Exception {
        // when / then
        assertThat(new IpAllowList(List.of()).allows(ip("127.0.0.1"))).isFalse();
    }

    @Test
    void shouldNotChangeWhenTheGivenListChangesLater() throws Exception {
        // given
        List<Cidr> mutable = new ArrayList<>(List.of(Cidr.parse("10.0.0.1")));
        IpAllowList list = new IpAllowList(mutable);

        // when
        mutable.add(Cidr.parse("203.0.113.9"));

        // then
        assertThat(list.allows(ip("203.0.113.9"))).isFalse();
    }

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByAddress(Cidr.literalAddress(literal));
    }
}
