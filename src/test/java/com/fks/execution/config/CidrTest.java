package com.fks.execution.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class CidrTest {

    @Test
    void shouldContainOnlyItselfWhenGivenAPlainIpv4Address() throws Exception {
        // given
        Cidr cidr = Cidr.parse("52.89.214.238");

        // when / then
        assertThat(cidr.contains(ip("52.89.214.238"))).isTrue();
        assertThat(cidr.contains(ip("52.89.214.239"))).isFalse();
        assertThat(cidr.contains(ip("52.89.214.237"))).isFalse();
    }

    @Test
    void shouldContainTheFirstAndLastAddressOfAnIpv4BlockAndNothingOutside() throws Exception {
        // given
        Cidr cidr = Cidr.parse("10.1.2.0/23");

        // when / then
        assertThat(cidr.contains(ip("10.1.2.0"))).isTrue();
        assertThat(cidr.contains(ip("10.1.3.255"))).isTrue();
        assertThat(cidr.contains(ip("10.1.1.255"))).isFalse();
        assertThat(cidr.contains(ip("10.1.4.0"))).isFalse();
    }

    @Test
    void shouldMaskHostBitsOfTheNetworkAddress() throws Exception {
        // given: an operator wrote a host address with a prefix
        Cidr cidr = Cidr.parse("192.168.1.77/24");

        // when / then
        assertThat(cidr.contains(ip("192.168.1.1"))).isTrue();
        assertThat(cidr.contains(ip("192.168.2.1"))).isFalse();
        assertThat(cidr.toString()).isEqualTo("192.168.1.77/24");
    }

    @Test
    void shouldContainEveryIpv4AddressWithPrefixZero() throws Exception {
        // given
        Cidr cidr = Cidr.parse("0.0.0.0/0");

        // when / then
        assertThat(cidr.contains(ip("0.0.0.0"))).isTrue();
        assertThat(cidr.contains(ip("255.255.255.255"))).isTrue();
        assertThat(cidr.contains(ip("2001:db8::1"))).isFalse();
    }

    @Test
    void shouldContainOnlyOneAddressWithPrefix32() throws Exception {
        // given
        Cidr cidr = Cidr.parse("10.0.0.1/32");

        // when / then
        assertThat(cidr.contains(ip("10.0.0.1"))).isTrue();
        assertThat(cidr.contains(ip("10.0.0.0"))).isFalse();
    }

    @Test
    void shouldMatchAPrefixThatIsNotAByteBoundary() throws Exception {
        // given: /27 = 32 addresses
        Cidr cidr = Cidr.parse("172.16.0.32/27");

        // when / then
        assertThat(cidr.contains(ip("172.16.0.31"))).isFalse();
        assertThat(cidr.contains(ip("172.16.0.32"))).isTrue();
        assertThat(cidr.contains(ip("172.16.0.63"))).isTrue();
        assertThat(cidr.contains(ip("172.16.0.64"))).isFalse();
    }

    @Test
    void shouldMatchIpv6BlocksAtTheirEdges() throws Exception {
        // given
        Cidr cidr = Cidr.parse("2001:db8:abcd::/48");

        // when / then
        assertThat(cidr.contains(ip("2001:db8:abcd::"))).isTrue();
        assertThat(cidr.contains(ip("2001:db8:abcd:ffff:ffff:ffff:ffff:ffff"))).isTrue();
        assertThat(cidr.contains(ip("2001:db8:abce::"))).isFalse();
        assertThat(cidr.contains(ip("10.0.0.1"))).isFalse();
    }

    @Test
    void shouldMatchIpv6LoopbackInAnyWriting() throws Exception {
        // given
        Cidr cidr = Cidr.parse("::1");

        // when / then
        assertThat(cidr.contains(ip("0:0:0:0:0:0:0:1"))).isTrue();
        assertThat(cidr.contains(ip("::2"))).isFalse();
        assertThat(cidr.contains(ip("127.0.0.1"))).isFalse();
    }

    @Test
    void shouldMatchAnIpv4MappedIpv6AddressAgainstAnIpv4Block() throws Exception {
        // given: a dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d
        Cidr cidr = Cidr.parse("52.89.214.0/24");
        InetAddress mapped = Inet6Address.getByAddress(null,
                new byte[]{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 52, 89, (byte) 214, (byte) 238}, null);
        InetAddress mappedOutside = Inet6Address.getByAddress(null,
                new byte[]{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 52, 89, (byte) 215, 1}, null);

        // when / then
        assertThat(mapped).isInstanceOf(Inet6Address.class);
        assertThat(cidr.contains(mapped)).isTrue();
        assertThat(cidr.contains(mappedOutside)).isFalse();
    }

    @Test
    void shouldNotTreatAnIpv4CompatibleButUnmappedIpv6AddressAsIpv4() throws Exception {
        // given: ::1:3459:d6ee is not ::ffff:52.89.214.238
        Cidr cidr = Cidr.parse("52.89.214.238");
        InetAddress notMapped = Inet6Address.getByAddress(null,
                new byte[]{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 52, 89, (byte) 214, (byte) 238}, null);

        // when / then
        assertThat(cidr.contains(notMapped)).isFalse();
    }

    @Test
    void shouldAcceptSurroundingWhitespace() throws Exception {
        // when
        Cidr cidr = Cidr.parse("  10.0.0.0/8 ");

        // then
        assertThat(cidr.contains(ip("10.255.0.1"))).isTrue();
        assertThat(cidr.toString()).isEqualTo("10.0.0.0/8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "example.com", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/x",
            "::/129", "10.0.0", "10.0.0.0.1", "999.1.1.1", "1.2.3.4/8/8", "1:2", "fe80::1%eth0", "*", "10.0.0.0 /8"})
    void shouldRefuseAnythingThatIsNotAnAddressOrBlock(String value) {
        // when / then
        assertThatThrownBy(() -> Cidr.parse(value)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldNeverResolveAHostName() {
        // when / then: a name that would resolve (localhost) is refused, not looked up
        assertThatThrownBy(() -> Cidr.literalAddress("localhost"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an IP address");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "255.255.255.255", "127.0.0.1", "01.2.3.4", "010.010.010.010", "00.0.0.0",
            "52.89.214.238", "::1", "::ffff:1.2.3.4", "2001:db8::ff", "FE80::1"})
    void shouldReadALiteralAsInetAddressReadsIt(String literal) throws Exception {
        // when / then: the same bytes as the JDK's own reading of the literal
        assertThat(Cidr.literalAddress(literal)).containsExactly(InetAddress.getByName(literal).getAddress());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2.3.4.", ".1.2.3", "1..2.3", "1.2.3.a", "1234.1.1.1", "256.1.1.1", "1.2.3.\u0664",
            "\uff11.2.3.4", "1.2.3.-1", "1.2.3.4 ", "+1.2.3.4", "g::1"})
    void shouldRefuseWhatIsNotQuiteALiteral(String value) {
        // when / then (\u0664 and \uff11 are digits to Character.isDigit, not to an address)
        assertThatThrownBy(() -> Cidr.literalAddress(value)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Every webhook reads its client's address and checks it against the allow-list. */
    @Test
    void shouldReadAnIpv4ClientAndCheckItAgainstABlockAllocatingOnlyItsBytes() throws Exception {
        // given
        Cidr block = Cidr.parse("10.0.0.0/8");
        InetAddress inside = ip("10.1.2.3");

        // when
        double reading = com.fks.execution.testsupport.Allocation.bytesPerCall(() -> Cidr.literalAddress("10.1.2.3"));
        double checking = com.fks.execution.testsupport.Allocation.bytesPerCall(() -> block.contains(inside));

        // then: a byte[4] is 24 bytes with its header; InetAddress.getAddress copies it once more
        assertThat(reading).isLessThanOrEqualTo(24);
        assertThat(checking).isLessThanOrEqualTo(24);
    }

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByAddress(Cidr.literalAddress(literal));
    }
}
