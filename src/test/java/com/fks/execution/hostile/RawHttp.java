package com.fks.execution.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * HTTP/1.1 over a bare socket, for what a well-behaved client library refuses to send: raw header bytes,
 * conflicting lengths, bodies that arrive slowly or never. One request per connection.
 */
final class RawHttp {
    /** What came back: status 0 when the connection closed (or timed out) without an answer. */
    record Answer(int status, String raw, long millis) {
        boolean answered() {
            return status > 0;
        }

        /** The JSON object in the body, if any (chunked or not). */
        String json() {
            int head = raw.indexOf("\r\n\r\n");
            String body = head < 0 ? "" : raw.substring(head + 4);
            int open = body.indexOf('{');
            int close = body.lastIndexOf('}');
            return open >= 0 && close > open ? body.substring(open, close + 1) : null;
        }
    }

    private RawHttp() {
    }

    static byte[] request(String head, byte[] body) {
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    /** Sends {@code first}, waits {@code stall}, then sends {@code rest} (or closes when rest is null), and reads the answer. */
    static Answer exchange(int port, byte[] first, Duration stall, byte[] rest, Duration readTimeout) throws IOException {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout((int) readTimeout.toMillis());
            OutputStream out = socket.getOutputStream();
            try {
                out.write(first);
                out.flush();
                if (!stall.isZero()) {
                    Thread.sleep(stall.toMillis());
                }
                if (rest == null) {
                    return new Answer(0, "", elapsed(start));
                }
                out.write(rest);
                out.flush();
            } catch (IOException e) {
                // the server may answer and close before the whole request is written (413, bad headers)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Answer(0, "", elapsed(start));
            }
            return read(socket.getInputStream(), start);
        }
    }

    static Answer exchange(int port, byte[] request) throws IOException {
        return exchange(port, request, Duration.ZERO, new byte[0], Duration.ofSeconds(20));
    }

    private static Answer read(InputStream in, long start) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try {
            int n;
            while ((n = in.read(chunk)) >= 0) {
                buffer.write(chunk, 0, n);
                if (buffer.size() > 1_000_000) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            // keep what arrived: an answer without a close still counts
        } catch (IOException e) {
            // reset after the answer: keep what arrived
        }
        String raw = buffer.toString(StandardCharsets.ISO_8859_1);
        // Skip interim answers (100 Continue): the final one follows.
        while (raw.startsWith("HTTP/1.1 1") && raw.indexOf("\r\n\r\n") > 0) {
            raw = raw.substring(raw.indexOf("\r\n\r\n") + 4);
        }
        int status = 0;
        if (raw.startsWith("HTTP/1.")) {
            try {
                status = Integer.parseInt(raw.substring(9, 12));
            } catch (RuntimeException e) {
                status = 0;
            }
        }
        return new Answer(status, raw, elapsed(start));
    }

    private static long elapsed(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
