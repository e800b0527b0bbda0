package io.metadb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Issue 14: the dashboard in a real browser (Debian's chromium, driven through its
 * chromedriver by Selenium) against a real {@code metadb serve} of a demo database: no
 * console errors; each chart shows exactly the points the JSON API answers for the same
 * window; the window picker changes every chart; a click on an agent opens its report; a
 * browser without the token is refused. Screenshots land in {@code target/screenshots};
 * the time to interactive and the page's weight are printed, not asserted.
 */
class DashboardIT {
    private static final String NOW = "2026-04-20T12:00:00.000Z";
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Path SHOTS = Path.of("target", "screenshots");

    @TempDir
    static Path dir;

    private static Process server;
    private static String dashboard;
    private static Discovery discovery;
    private final List<ChromeDriver> browsers = new ArrayList<>();

    @BeforeAll
    static void serveADemoDatabase() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("the dashboard tests need Debian's chromium and chromedriver: apt-get install"
                    + " chromium chromium-driver (.ci/run installs them)");
        }
        Path home = Installed.unpack(dir);
        Path metadb = home.resolve("bin/metadb");
        Path db = dir.resolve("demo.db");
        ProcessBuilder demo = new ProcessBuilder(metadb.toString(), "--db", db.toString(), "--now", NOW, "demo",
                "--rows-scale", "1").redirectErrorStream(true);
        demo.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        Process made = demo.start();
        String said = new String(made.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(made.waitFor()).as(said).isZero();
        ProcessBuilder serve = new ProcessBuilder(metadb.toString(), "--db", db.toString(), "serve").redirectErrorStream(true);
        serve.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        server = serve.start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        assertThat(lines.readLine()).startsWith("serving ");
        dashboard = lines.readLine();
        assertThat(dashboard).startsWith("dashboard: http://127.0.0.1:");
        dashboard = dashboard.substring("dashboard: ".length());
        discovery = Discovery.read(db);
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (server != null) {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void closeBrowsers() {
        browsers.forEach(ChromeDriver::quit);
    }

    private ChromeDriver browser() throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1400,1800",
                "--user-data-dir=" + Files.createTempDirectory(dir, "profile"));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
        ChromeDriver driver = new ChromeDriver(service, options);
        browsers.add(driver);
        return driver;
    }

    private static Object js(ChromeDriver b, String script, Object... args) {
        return ((JavascriptExecutor) b).executeScript(script, args);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static void awaitLoads(ChromeDriver b, long loads) throws InterruptedException {
        await("the dashboard's load " + loads, () -> Boolean.TRUE.equals(js(b,
                "return !!(window.metadb && window.metadb.ready && window.metadb.loads >= arguments[0])", loads)));
    }

    /** Waits until the tab shows an address containing {@code part} and has finished loading it. */
    private static void awaitPageAt(ChromeDriver b, String part) throws InterruptedException {
        await("a loaded page at " + part, () -> {
            try {
                return b.getCurrentUrl().contains(part) && "complete".equals(js(b, "return document.readyState"));
            } catch (WebDriverException navigating) {
                return false;
            }
        });
    }

    /** The page's requests, when each began and how long it took: where the time to interactive goes. */
    private static Object requests(ChromeDriver b) {
        return js(b, "return performance.getEntriesByType('resource').map(e => e.name.replace(/^.*\\/\\/[^/]+/, '')"
                + ".replace(/sql=SELECT\\+([a-z_]+).*/, 'sql=$1…').slice(0, 34) + ' ' + Math.round(e.startTime) + '+'"
                + " + Math.round(e.duration)).join('; ')");
    }

    /** Picks a report in the page's report menu, as a person does (the menu's change event). */
    private static void choose(ChromeDriver b, String report) {
        WebElement menu = b.findElement(By.id("report-name"));
        menu.click();
        menu.findElement(By.cssSelector("option[value='" + report + "']")).click();
    }

    private static void shoot(ChromeDriver b, String name) throws IOException {
        Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) b).getScreenshotAs(OutputType.BYTES));
    }

    private static JsonNode api(String sourcePath) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + discovery.port() + sourcePath))
                .header("Authorization", "Bearer " + discovery.token()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(sourcePath + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** The points a chart's spec derives from the API's rows, as the page must have drawn them. */
    private static List<List<Object>> expected(JsonNode spec, JsonNode rows) {
        List<List<Object>> out = new ArrayList<>();
        int limit = spec.has("limit") ? spec.get("limit").asInt() : Integer.MAX_VALUE;
        int n = 0;
        for (JsonNode r : rows) {
            if (n++ >= limit) {
                break;
            }
            String x = spec.get("x").asText();
            if (spec.has("ys")) {
                for (JsonNode y : spec.get("ys")) {
                    out.add(List.of(r.get(x).asText(), y.asText(), r.get(y.asText()).decimalValue()));
                }
            } else {
                String series = spec.has("series") ? r.get(spec.get("series").asText()).asText() : spec.get("name").asText();
                out.add(List.of(r.get(x).asText(), series, r.get(spec.get("y").asText()).decimalValue()));
            }
        }
        return out;
    }

    private static List<List<Object>> points(JsonNode list) {
        List<List<Object>> out = new ArrayList<>();
        for (JsonNode p : list) {
            out.add(List.of(p.get(0).asText(), p.get(1).asText(), p.get(2).decimalValue()));
        }
        return out;
    }

    private static List<List<Object>> normalised(List<List<Object>> points) {
        List<List<Object>> out = new ArrayList<>();
        for (List<Object> p : points) {
            out.add(List.of(p.get(0), p.get(1), ((java.math.BigDecimal) p.get(2)).setScale(6, java.math.RoundingMode.HALF_EVEN)));
        }
        return out;
    }

    /** Every chart of the page against the API: the points it was built from, and for time charts what it drew. */
    private static Map<String, String> checkCharts(ChromeDriver b) throws Exception {
        JsonNode charts = JSON.readTree((String) js(b, "return JSON.stringify(Object.fromEntries(Object.entries("
                + "window.metadb.charts).map(([k, c]) => [k, {source: c.source, spec: c.spec, points: c.points,"
                + " plotted: c.plot ? window.metadb.plotted(k) : null}])))"));
        assertThat(charts.fieldNames()).toIterable().contains("summary", "chart-timeline", "chart-cost", "chart-cli",
                "chart-p95", "chart-watchdog", "chart-backlog", "chart-clones");
        Map<String, String> sources = new java.util.TreeMap<>();
        for (var chart : charts.properties()) {
            JsonNode c = chart.getValue();
            String source = c.get("source").asText();
            List<List<Object>> want = expected(c.get("spec"), api(source));
            assertThat(points(c.get("points"))).as(chart.getKey() + " from " + source).isEqualTo(want);
            if (!c.get("plotted").isNull()) {
                assertThat(normalised(points(c.get("plotted")))).as(chart.getKey() + " as drawn")
                        .containsExactlyInAnyOrderElementsOf(normalised(want));
            }
            sources.put(chart.getKey(), source);
        }
        assertThat(charts.get("chart-timeline").get("points").size()).as("a demo window has rows").isPositive();
        return sources;
    }

    @Test
    void theDashboardShowsWhatTheApiAnswersAndFollowsItsWindow() throws Exception {
        ChromeDriver b = browser();
        long start = System.nanoTime();
        b.get(page("now=" + NOW + "&window=24h"));
        awaitLoads(b, 1);
        long wallMs = (System.nanoTime() - start) / 1_000_000;
        // The token left the address bar; the tab keeps it (sessionStorage), no cookie holds it.
        assertThat(b.getCurrentUrl()).doesNotContain("token").doesNotContain(discovery.token()).contains("window=24h");
        assertThat(js(b, "return document.cookie")).isEqualTo("");
        System.out.println("dashboard: interactive " + js(b, "return window.metadb.readyMs") + " ms after the page"
                + " started (" + wallMs + " ms from the request, login redirect included), on the live-shape demo");
        shoot(b, "dashboard-24h");
        Map<String, String> day = checkCharts(b);
        List<Long> warm = new ArrayList<>();
        for (int i = 0; i < 15; i++) { // a server that has answered a while (its JIT has compiled the hot paths)
            b.navigate().refresh();
            awaitLoads(b, 1);
            warm.add(((Number) js(b, "return window.metadb.readyMs")).longValue());
        }
        System.out.println("dashboard: interactive " + warm.get(1) + " ms after the page started again (the same view, the"
                + " second load), median of loads 6-15 " + warm.subList(5, 15).stream().sorted().toList().get(5)
                + " ms " + warm + "; requests of the last (start+duration ms): " + requests(b));

        // The window picker: every chart asks again, for the new window.
        b.findElement(By.cssSelector("#windows button[value='7d']")).click();
        awaitLoads(b, 2);
        assertThat(b.getCurrentUrl()).contains("window=7d");
        Map<String, String> week = checkCharts(b);
        for (String chart : day.keySet()) {
            assertThat(week.get(chart)).as(chart + " follows the window").isNotEqualTo(day.get(chart));
        }
        shoot(b, "dashboard-7d");

        // The dark scheme (the system's preference): same page, its own colours.
        b.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
        assertThat(js(b, "return getComputedStyle(document.body).backgroundColor")).isEqualTo("rgb(22, 24, 28)");
        shoot(b, "dashboard-7d-dark");
        b.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                List.of(Map.of("name", "prefers-color-scheme", "value", "light"))));

        // A refresh keeps the view.
        b.navigate().refresh();
        awaitLoads(b, 1);
        assertThat(js(b, "return window.metadb.window")).isEqualTo("7d");
        System.out.println("dashboard: interactive " + js(b, "return window.metadb.readyMs") + " ms after a refresh (a warm"
                + " server, 7 d window); requests (start+duration ms): " + requests(b));

        // Every report is a table with its options; a click on an agent opens that agent's report.
        choose(b, "recent");
        awaitLoads(b, 2);
        WebElement agent = b.findElement(By.cssSelector("#report-table a[data-report='agent']"));
        String name = agent.getText();
        agent.click();
        awaitLoads(b, 1);
        assertThat(b.getCurrentUrl()).contains("report=agent").contains("r.name=" + name);
        JsonNode report = JSON.readTree((String) js(b, "return JSON.stringify(window.metadb.report)"));
        assertThat(report.get("name").asText()).isEqualTo("agent");
        assertThat(report.get("rows").get(0).get("agent").asText()).isEqualTo(name);
        assertThat(report.get("rows")).isEqualTo(api(report.get("source").asText()));
        shoot(b, "dashboard-agent");

        // A sortable table: a click on a header sorts by it.
        choose(b, "cost");
        awaitLoads(b, 2);
        b.findElement(By.xpath("//div[@id='report-table']//th[text()='calls']")).click();
        List<Long> calls = new ArrayList<>();
        for (WebElement td : b.findElements(By.cssSelector("#report-table tbody tr td:nth-child(2)"))) {
            calls.add(Long.parseLong(td.getText().replace(",", "")));
        }
        assertThat(calls).isSorted().hasSizeGreaterThan(1);

        List<LogEntry> errors = b.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()).toList();
        assertThat(errors).as("console errors and warnings").isEmpty();

        long weight = 0;
        for (String asset : Dashboard.assetNames()) {
            weight += Dashboard.asset(asset).bytes().length;
        }
        System.out.println("dashboard: page weight " + weight + " bytes (HTML+JS+CSS, uPlot included)");
    }

    /** The dashboard's address with {@code query}: the token in the fragment, as {@code metadb serve} prints it. */
    private static String page(String query) {
        String root = dashboard.substring(0, dashboard.indexOf('#'));
        return root + "?" + query + dashboard.substring(dashboard.indexOf('#'));
    }

    @Test
    void aBrowserWithoutTheTokenIsRefused() throws Exception {
        ChromeDriver b = browser();
        String root = dashboard.substring(0, dashboard.indexOf('#'));
        b.get(root);
        await("the page's refusal", () -> b.findElement(By.tagName("body")).getText().contains("needs the address"));
        assertThat(b.findElement(By.tagName("body")).getText()).contains("This page needs the address `metadb serve` printed");
        ChromeDriver wrong = browser();
        wrong.get(root + "#token=" + discovery.token().substring(1) + "0");
        await("the page's refusal", () -> wrong.findElement(By.tagName("body")).getText().contains("needs the address"));
        shoot(wrong, "dashboard-refused");
        // The page itself holds no data and is open; every answer needs the token, as a header.
        for (String path : new String[] {"/-/reports.json", "/summary.json", "/query.json?sql=select+1", "/-/status.json"}) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(root.replaceAll("/$", "") + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(401);
            assertThat(r.body()).as("a refusal names no file").doesNotContain("/").doesNotContain("-serve");
            HttpResponse<String> byQuery = HTTP.send(HttpRequest.newBuilder(URI.create(root.replaceAll("/$", "") + path
                    + (path.contains("?") ? "&" : "?") + "_token=" + discovery.token())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(byQuery.statusCode()).as(path + " with the token in the URL").isEqualTo(401);
            HttpResponse<String> byCookie = HTTP.send(HttpRequest.newBuilder(URI.create(root.replaceAll("/$", "") + path))
                    .header("Cookie", "metadb_" + discovery.port() + "=" + discovery.token()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(byCookie.statusCode()).as(path + " with the token as a cookie").isEqualTo(401);
        }
    }

    /**
     * Issue 21, finding 2: the token must reach this server only. A second local server (another
     * port of 127.0.0.1, as any local user may run) logs every request the same browser sends it
     * after the dashboard was opened and used; none may carry the token, in any header or the URL.
     */
    @Test
    void theTokenReachesNoOtherPortOfThisHost() throws Exception {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>(); // iterated while the server adds
        com.sun.net.httpserver.HttpServer other = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 16);
        other.createContext("/", ex -> {
            StringBuilder request = new StringBuilder(ex.getRequestMethod() + " " + ex.getRequestURI());
            ex.getRequestHeaders().forEach((k, v) -> request.append('\n').append(k).append(": ").append(String.join(", ", v)));
            seen.add(request.toString());
            byte[] body = "<!doctype html><title>other</title><img src=/pixel.png><script src=/x.js></script>"
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", ex.getRequestURI().getPath().equals("/") ? "text/html" : "text/plain");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        other.start();
        try {
            ChromeDriver b = browser();
            b.get(page("now=" + NOW));
            awaitLoads(b, 1);
            String otherRoot = "http://127.0.0.1:" + other.getAddress().getPort() + "/";
            // The same browser goes to the other port: by a link, and from a fresh navigation; and
            // the other page's own subresources and a script's fetch are sent there too.
            b.get(otherRoot + "?from=address-bar");
            js(b, "return fetch('/from-script', {credentials: 'include'}).then(r => r.status)");
            b.navigate().back();
            awaitLoads(b, 1);
            js(b, "location.href = arguments[0]", otherRoot + "?from=dashboard-link");
            await("the other server's requests", () -> seen.stream().anyMatch(r -> r.contains("from=dashboard-link")));
            // Going back while that navigation is still loading aborts it and leaves the driver with
            // no page to attach to: wait until the other page has loaded.
            awaitPageAt(b, "from=dashboard-link");
            assertThat(seen).as("requests the other server received").hasSizeGreaterThanOrEqualTo(3);
            for (String request : seen) {
                assertThat(request).as("a request to another port").doesNotContain(discovery.token())
                        .doesNotContainIgnoringCase("cookie: metadb");
            }
            // And the dashboard still answers with the token the tab keeps (a reload needs no new address).
            b.navigate().back();
            awaitLoads(b, 1);
            assertThat(js(b, "return window.metadb.requests.length")).isNotEqualTo(0L);
        } finally {
            other.stop(0);
        }
    }
}
