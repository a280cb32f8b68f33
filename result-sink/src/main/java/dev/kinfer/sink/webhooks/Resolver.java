package dev.kinfer.sink.webhooks;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Turns a callback's host into the addresses it stands for. */
@FunctionalInterface
public interface Resolver {
    /** The JVM's own lookup: literals parsed, names through the hosts file and DNS. */
    Resolver SYSTEM = InetAddress::getAllByName;

    InetAddress[] resolve(String host) throws UnknownHostException;
}
