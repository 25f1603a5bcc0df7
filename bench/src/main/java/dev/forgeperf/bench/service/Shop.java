package dev.forgeperf.bench.service;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The realistic service of {@code scripts/bench.sh peers}: an HTTP shop on loopback (JDK's
 * {@code HttpServer}, 4 worker threads) with three endpoints whose work runs through the methods
 * of this package, so a whole package is timed: {@code /search?q=…} (tokenize, score, sort),
 * {@code /price?p=…&n=…&r=…} (price, discount, tax) and {@code /report?q=…&n=…&r=…} (search, then
 * a priced text report). Prints "shop ready port=N" and runs until killed.
 */
public final class Shop {
    private final Catalog catalog = new Catalog(2_000);

    private Shop() {
    }

    public static void main(String[] args) throws IOException {
        Shop shop = new Shop();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/search", ex -> shop.answer(ex, shop.search(query(ex.getRequestURI()))));
        server.createContext("/price", ex -> shop.answer(ex, shop.price(query(ex.getRequestURI()))));
        server.createContext("/report", ex -> shop.answer(ex, shop.report(query(ex.getRequestURI()))));
        server.start();
        System.out.println("shop ready port=" + server.getAddress().getPort() + " pid=" + ProcessHandle.current().pid());
        System.out.flush();
    }

    String search(Map<String, String> q) {
        List<Integer> hits = catalog.search(q.getOrDefault("q", ""), 20);
        StringBuilder b = new StringBuilder();
        for (int i : hits) {
            b.append(catalog.name(i)).append('\n');
        }
        return b.toString();
    }

    String price(Map<String, String> q) {
        int product = Integer.parseInt(q.getOrDefault("p", "1"));
        int n = Integer.parseInt(q.getOrDefault("n", "1"));
        return Long.toString(Pricing.quoteCents(product, n, q.getOrDefault("r", "eu"))) + "\n";
    }

    String report(Map<String, String> q) {
        List<Integer> hits = catalog.search(q.getOrDefault("q", ""), 10);
        return Reports.render(catalog, hits, Integer.parseInt(q.getOrDefault("n", "1")), q.getOrDefault("r", "eu"));
    }

    void answer(HttpExchange ex, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(200, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    static Map<String, String> query(URI uri) {
        Map<String, String> m = new HashMap<>();
        String raw = uri.getRawQuery();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    m.put(kv.substring(0, eq), java.net.URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return m;
    }
}
