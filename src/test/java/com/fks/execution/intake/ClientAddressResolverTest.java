package com.fks.execution.intake;

import com.fks.execution.config.Cidr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

final class ClientAddressResolverTest {
    /** The ingress controller's pod network. */
    private final ClientAddressResolver behindIngress =
            new ClientAddressResolver(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8")));
    private final ClientAddressResolver direct = new ClientAddressResolver(List.of());

    @Test
    void shouldAnswerThePeerWhenThereIsNoForwardedHeader() {
        // when / then
        assertThat(address(direct.resolve("52.89.214.238", null))).isEqualTo("52.89.214.238");
        assertThat(address(behindIngress.resolve("10.1.2.3", null))).isEqualTo("10.1.2.3");
        assertThat(address(behindIngress.resolve("10.1.2.3", "  "))).isEqualTo("10.1.2.3");
    }

    @Test
    void shouldIgnoreAForgedForwardedHeaderFromAnUntrustedPeer() {
        // given: an attacker at 203.0.113.9 claims to be TradingView
        String forged = "52.89.214.238";

        // when / then
        assertThat(address(behindIngress.resolve("203.0.113.9", forged))).isEqualTo("203.0.113.9");
        assertThat(address(direct.resolve("203.0.113.9", forged))).isEqualTo("203.0.113.9");
    }

    @Test
    void shouldBelieveTheForwardedHeaderFromATrustedProxy() {
        // when
        InetAddress client = behindIngress.resolve("10.0.0.5", "52.89.214.238");

        // then
        assertThat(address(client)).isEqualTo("52.89.214.238");
    }

    @Test
    void shouldTakeTheRightMostUntrustedHopSinceEverythingLeftOfItCanBeForged() {
        // given: the client wrote 52.89.214.238 itself; the ingress appended the real peer 203.0.113.9
        String chain = "52.89.214.238, 203.0.113.9";

        // when
        InetAddress client = behindIngress.resolve("10.0.0.5", chain);

        // then
        assertThat(address(client)).isEqualTo("203.0.113.9");
    }

    @Test
    void shouldSkipTrustedProxyHopsFromTheRight() {
        // given: two proxy layers inside the trusted network
        String chain = "198.51.100.1, 52.89.214.238, 10.9.9.9, 10.8.8.8";

        // when
        InetAddress client = behindIngress.resolve("10.0.0.5", chain);

        // then
        assertThat(address(client)).isEqualTo("52.89.214.238");
    }

    @Test
    void shouldAnswerTheLeftMostHopWhenEveryHopIsTrusted() {
        // when
        InetAddress client = behindIngress.resolve("10.0.0.5", "10.3.3.3, 10.4.4.4");

        // then
        assertThat(address(client)).isEqualTo("10.3.3.3");
    }

    @Test
    void shouldStopAtAGarbageEntryAndAnswerTheLastGoodHop() {
        // when: garbage right after the proxy
        InetAddress atProxy = behindIngress.resolve("10.0.0.5", "52.89.214.238, not-an-ip");
        // when: garbage behind an untrusted hop is never reached
        InetAddress pastUntrusted = behindIngress.resolve("10.0.0.5", "garbage, 203.0.113.9");
        // when: garbage behind a trusted hop
        InetAddress pastTrusted = behindIngress.resolve("10.0.0.5", "52.89.214.238, evil.example, 10.7.7.7");

        // then
        assertThat(address(atProxy)).isEqualTo("10.0.0.5");
        assertThat(address(pastUntrusted)).isEqualTo("203.0.113.9");
        assertThat(address(pastTrusted)).isEqualTo("10.7.7.7");
    }

    @Test
    void shouldReadIpv6PeersAndHops() {
        // when
        InetAddress bracketedPeer = direct.resolve("[2001:db8::1]", null);
        InetAddress ipv6Chain = behindIngress.resolve("fd00::5", "2001:db8::7");

        // then
        assertThat(address(bracketedPeer)).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(address(ipv6Chain)).isEqualTo("2001:db8:0:0:0:0:0:7");
    }

    @Test
    void shouldReadAnIpv4MappedPeerAsIpv4() {
        // when
        InetAddress client = direct.resolve("::ffff:52.89.214.238", null);

        // then
        assertThat(address(client)).isEqualTo("52.89.214.238");
    }

    @Test
    void shouldTrustAProxyThatConnectsWithAnIpv4MappedAddress() {
        // when
        InetAddress client = behindIngress.resolve("::ffff:10.0.0.5", "52.89.214.238");

        // then
        assertThat(address(client)).isEqualTo("52.89.214.238");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "unknown", "localhost", "1.2.3", "[::1", "1.2.3.4:5678"})
    void shouldAnswerNullForAnUnreadablePeer(String peer) {
        // when / then
        assertThat(behindIngress.resolve(peer, "52.89.214.238")).isNull();
    }

    @Test
    void shouldAnswerNullForAMissingPeer() {
        // when / then
        assertThat(direct.resolve(null, null)).isNull();
    }

    private static String address(InetAddress address) {
        assertThat(address).isNotNull();
        return address.getHostAddress();
    }
}
