package com.fks.execution.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An IPv4 or IPv6 address block. A plain address is a block of one. */
public final class Cidr {
    private final byte[] network;
    private final int prefixLength;
    private final String text;

    private Cidr(byte[] network, int prefixLength, String text) {
        this.network = network;
        this.prefixLength = prefixLength;
        this.text = text;
    }

    /** Parses "10.0.0.0/8", "52.89.214.238" or "::1"; throws IllegalArgumentException on anything else. */
    public static Cidr parse(String value) {
        String text = value.trim();
        int slash = text.indexOf('/');
        String addressPart = slash < 0 ? text : text.substring(0, slash);
        byte[] address = literalAddress(addressPart);
        int maxPrefix = address.length * 8;
        int prefix = maxPrefix;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad prefix length in " + value);
            }
            if (prefix < 0 || prefix > maxPrefix) {
                throw new IllegalArgumentException("prefix length out of range in " + value);
            }
        }
        return new Cidr(mask(address, prefix), prefix, text);
    }

    /**
     * Parses an IP literal without ever resolving a host name (InetAddress.getByName would do a DNS lookup
     * for anything that is not a literal). Every webhook parses its client address, so the checks are char
     * loops, and a dotted quad (the usual case) is read here without InetAddress.
     */
    public static byte[] literalAddress(String text) {
        boolean dot = false;
        boolean colon = false;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '.') {
                dot = true;
            } else if (c == ':') {
                colon = true;
            } else if (Character.digit(c, 16) < 0 || c > 'f') {
                throw new IllegalArgumentException("not an IP address: " + text);
            }
        }
        if (n == 0 || !(dot || colon)) {
            throw new IllegalArgumentException("not an IP address: " + text);
        }
        if (!colon) {
            byte[] quad = dottedQuad(text);
            if (quad == null) {
                throw new IllegalArgumentException("not an IP address: " + text);
            }
            if (quad.length == 4) {
                return quad;
            }
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + text);
        }
    }

    private static final byte[] PARSE_WITH_INET_ADDRESS = new byte[0];

    /**
     * Four groups of 1 to 3 digits: their bytes when every group is at most 255, PARSE_WITH_INET_ADDRESS when
     * one is larger (left to InetAddress, as before), null when the text is not of that shape.
     */
    private static byte[] dottedQuad(String text) {
        byte[] address = new byte[4];
        int group = 0;
        int digits = 0;
        int value = 0;
        boolean inRange = true;
        for (int i = 0; i <= text.length(); i++) {
            char c = i == text.length() ? '.' : text.charAt(i);
            if (c >= '0' && c <= '9') {
                if (++digits > 3) {
                    return null;
                }
                value = value * 10 + (c - '0');
            } else if (c == '.' && digits > 0 && group < 4) {
                inRange &= value <= 255;
                address[group++] = (byte) value;
                digits = 0;
                value = 0;
            } else {
                return null;
            }
        }
        if (group != 4) {
            return null;
        }
        return inRange ? address : PARSE_WITH_INET_ADDRESS;
    }

    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        if (candidate.length != network.length) {
            candidate = ipv4MappedToIpv4(candidate);
            if (candidate == null || candidate.length != network.length) {
                return false;
            }
        }
        return matches(candidate);
    }

    /** The candidate's first prefixLength bits equal the network's (compared in place: no masked copy). */
    private boolean matches(byte[] candidate) {
        for (int i = 0; i < network.length; i++) {
            int bitsInByte = Math.max(0, Math.min(8, prefixLength - i * 8));
            int byteMask = (0xff << (8 - bitsInByte)) & 0xff;
            if ((candidate[i] & byteMask) != (network[i] & 0xff)) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ipv4MappedToIpv4(byte[] address) {
        if (address.length != 16) {
            return null;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return null;
            }
        }
        if (address[10] != (byte) 0xff || address[11] != (byte) 0xff) {
            return null;
        }
        return Arrays.copyOfRange(address, 12, 16);
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] masked = address.clone();
        for (int i = 0; i < masked.length; i++) {
            int bitsInByte = Math.max(0, Math.min(8, prefix - i * 8));
            masked[i] = (byte) (masked[i] & (0xff << (8 - bitsInByte)));
        }
        return masked;
    }

    @Override
    public String toString() {
        return text;
    }
}
