package com.fks.execution.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

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
     * for anything that is not a literal).
     */
    // Compiled once: every webhook parses its client address (String.matches would compile them per call).
    private static final Pattern IP_CHARACTERS = Pattern.compile("[0-9a-fA-F:.]+");
    private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    public static byte[] literalAddress(String text) {
        if (text.isEmpty() || !IP_CHARACTERS.matcher(text).matches() || !(text.contains(".") || text.contains(":"))) {
            throw new IllegalArgumentException("not an IP address: " + text);
        }
        if (!text.contains(":") && !DOTTED_QUAD.matcher(text).matches()) {
            throw new IllegalArgumentException("not an IP address: " + text);
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + text);
        }
    }

    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        if (candidate.length != network.length) {
            candidate = ipv4MappedToIpv4(candidate);
            if (candidate == null || candidate.length != network.length) {
                return false;
            }
        }
        return Arrays.equals(mask(candidate, prefixLength), network);
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
