package io.metadb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The listener's connection bound under a burst of silent clients, with real sockets. */
class HttpListenerTest {
    private static final int SLOTS = 64;

    @Test
    void aRequestAfterABurstOfSilentClientsIsAnswered() throws Exception {
        HttpListener.Limits limits = new HttpListener.Limits(SLOTS, Duration.ofSeconds(5), Duration.ofSeconds(30),
                Duration.ofSeconds(30), 16 * 1024);
        byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
        try (HttpListener listener = HttpListener.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512,
                ex -> {
                    ex.sendResponseHeaders(200, ok.length);
                    ex.getResponseBody().write(ok);
                    ex.close();
                }, limits)) {
            URI uri = URI.create("http://127.0.0.1:" + listener.address().getPort() + "/");
            List<Socket> silent = new ArrayList<>();
            try {
                for (int round = 0; round < 20; round++) {
                    // Each silent client past the slots evicts one that waits: its thread may not
                    // have seen the close yet when the next connection, and then the request, arrive.
                    for (int i = 0; i < 4 * SLOTS; i++) {
                        silent.add(silentClient(listener.address().getPort()));
                    }
                    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).as("round " + round).isEqualTo(200);
                    assertThat(r.body()).isEqualTo("ok");
                }
            } finally {
                for (Socket s : silent) {
                    s.close();
                }
            }
        }
    }

    private static Socket silentClient(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.getOutputStream().write('G');
        return s;
    }
}
