package com.fks.execution.exchange;

import java.net.http.HttpClient;
import java.time.Duration;

/** The HTTP client every exchange adapter uses: HTTP/1.1, a bounded connect, and no redirects followed. */
public final class ExchangeHttp {
    private ExchangeHttp() {
    }

    /** Redirects are refused: a signed order must go to the configured host or nowhere. */
    public static HttpClient newClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }
}
