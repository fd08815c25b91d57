package com.fks.execution.intake;

import com.fks.execution.config.Cidr;

import java.net.InetAddress;
import java.util.List;

/**
 * The caller's address. X-Forwarded-For is believed only when the direct peer is a trusted proxy (the
 * ingress controller); then the right-most address that is not itself a trusted proxy is the client,
 * since anything left of it could have been written by the client.
 */
public final class ClientAddressResolver {
    private final List<Cidr> trustedProxies;

    public ClientAddressResolver(List<Cidr> trustedProxies) {
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    /** Returns null when the address cannot be read (then every allow-list check fails). */
    public InetAddress resolve(String peerAddress, String forwardedFor) {
        InetAddress peer = literal(peerAddress);
        if (peer == null || forwardedFor == null || forwardedFor.isBlank() || !isTrusted(peer)) {
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            InetAddress hop = literal(hops[i].trim());
            if (hop == null) {
                // A garbled entry: the chain cannot be trusted past it, so the last good hop answers for it.
                return peer;
            }
            if (!isTrusted(hop)) {
                return hop;
            }
            peer = hop;
        }
        return peer;
    }

    private boolean isTrusted(InetAddress address) {
        for (Cidr cidr : trustedProxies) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }

    static InetAddress literal(String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        try {
            return InetAddress.getByAddress(Cidr.literalAddress(t));
        } catch (IllegalArgumentException | java.net.UnknownHostException e) {
            return null;
        }
    }
}
