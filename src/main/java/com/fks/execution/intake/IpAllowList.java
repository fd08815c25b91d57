package com.fks.execution.intake;

import com.fks.execution.config.Cidr;

import java.net.InetAddress;
import java.util.List;

/** The addresses allowed to call the webhook; null list = check disabled (IP_WHITELIST=*). */
public final class IpAllowList {
    private final List<Cidr> allowed;

    public IpAllowList(List<Cidr> allowed) {
        this.allowed = allowed == null ? null : List.copyOf(allowed);
    }

    public boolean allows(InetAddress client) {
        if (allowed == null) {
            return true;
        }
        if (client == null) {
            return false;
        }
        for (Cidr cidr : allowed) {
            if (cidr.contains(client)) {
                return true;
            }
        }
        return false;
    }
}
