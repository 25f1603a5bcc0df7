package dev.forgeperf.e2e;

import static dev.forgeperf.e2e.HttpServerTest.awaitUrl;
import static dev.forgeperf.e2e.HttpServerTest.call;
import static dev.forgeperf.e2e.HttpServerTest.get;
import static dev.forgeperf.e2e.HttpServerTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.forgeperf.e2e.HttpServerTest.Response;

/**
 * The dashboard driven like a user drives it, in headless Chromium through Selenium and
 * {@code /usr/bin/chromedriver} (Debian {@code chromium-driver}), against the sample app on each
 * JDK: every action clicked and what it shows or downloads checked with real tools (a CPU flame
 * graph searched for the hot method, an allocation pprof read by {@code go tool pprof}, an HPROF
 * read back, the GC's freed bytes against the JVM's own GC log, the thread dump's deadlock and
 * named threads, the threads-by-CPU table, the class histogram), mutations refused with the
 * server's 401 line before the token is given, charts paused and resumed, the whole ring shown;
 * the token never in a URL Chromium requested (its performance log) nor in the page. Screenshots
 * go to {@code agent-tests/target/dashboard/}. Also: {@code HEAD /api/profile} records nothing.
 */
class DashboardBrowserTest {
    private static final String TIMED = "dev.forgeperf.sample.PriceCalculator#computePrice";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    static Stream<Path> jdks() {
        return Jdks.all();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void everyActionWorksFromThePageAndTheTokenStaysOutOfUrlsAndHtml(Path jdk) throws Exception {
        String chromium = Chromium.require();
        Assumptions.assumeTrue(Files.isExecutable(Path.of(CHROMEDRIVER)), "chromedriver is not installed (apt-get install chromium-driver)");
        GoPprof.require();
        Path shots = Files.createDirectories(Fixtures.root().resolve("agent-tests/target/dashboard"));
        String tag = "jdk" + Jdks.feature(jdk);
        try (Env env = new Env()) {
            String token = "dash-" + Long.toHexString(new java.security.SecureRandom().nextLong() >>> 1) + "-token";
            Path gcLog = env.work.resolve("gc.log");
            Proc app = env.java(jdk, List.of("-Xmx256m", "-Xlog:gc:file=" + gcLog, "-javaagent:" + Fixtures.agentJar()
                    + "=http=0,metrics.interval=500ms,http.profiles=all,http.token=" + token + ",timed=" + TIMED),
                    "-jar", Fixtures.sampleApp().toString(), "--quiet", "--cpu-only", "--threads", "3", "--deadlock");
            String pid = app.awaitOut("sample-app ready pid=(\\d+)", Duration.ofSeconds(60));
            String url = awaitUrl(env, pid);
            Path downloads = Files.createDirectory(env.work.resolve("downloads"));
            List<String> requested = new ArrayList<>();
            List<String> perfLog = new ArrayList<>();
            WebDriver d = browser(chromium, env, downloads);
            try {
                WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(120), Duration.ofMillis(100));
                d.get(url);
                wait.until(x -> text(x, "health").toLowerCase(java.util.Locale.ROOT).matches("healthy|degraded|unhealthy"));
                wait.until(x -> x.findElements(By.cssSelector("#c-calls polyline")).size() > 0);
                new Select(d.findElement(By.id("method"))).selectByValue(TIMED + "(Order)");
                assertTrue(d.findElement(By.id("lg-lat")).getText().contains("p99"), "latency legend");
                assertTrue(d.findElements(By.cssSelector("#c-lat polyline")).size() >= 2, "p50 and p99 lines");
                // the per-method charts draw the agent's per-interval history (the last 60 points), not the page's own reads
                wait.until(x -> (TIMED + "(Order)").equals(x.findElement(By.id("c-lat")).getAttribute("data-method"))
                        && Integer.parseInt(x.findElement(By.id("c-lat")).getAttribute("data-points")) >= 3);
                int drawn = Integer.parseInt(d.findElement(By.id("c-lat")).getAttribute("data-points"));
                long held = RuntimeTest.num(json(get(url + "api/timings/history?method=" + java.net.URLEncoder.encode(TIMED + "(Order)",
                        java.nio.charset.StandardCharsets.UTF_8))), "count");
                assertTrue(drawn <= 60 && drawn <= held, "points drawn " + drawn + ", held by the agent " + held);
                wait.until(x -> x.findElements(By.cssSelector("#c-alloc polyline")).size() > 0);
                screenshot(d, shots.resolve(tag + "-1-charts.png"));

                // mutations without the token: the server's 401 line, shown as it came
                d.findElement(By.id("gcBtn")).click();
                wait.until(x -> text(x, "memOut").startsWith("HTTP 401"));
                assertTrue(text(d, "memOut").contains("send 'Authorization: Bearer TOKEN' with the agent's http.token"), text(d, "memOut"));
                d.findElement(By.id("heapBtn")).click();
                wait.until(x -> x.findElement(By.id("heapGo")).isDisplayed());
                d.findElement(By.id("heapGo")).click();
                wait.until(x -> text(x, "memOut").startsWith("HTTP 401"));
                screenshot(d, shots.resolve(tag + "-2-no-token.png"));

                // the token: typed in, kept in the tab, gone from the field
                d.findElement(By.id("token")).sendKeys(token);
                d.findElement(By.id("tokenUse")).click();
                wait.until(x -> text(x, "tokenState").startsWith("token set"));
                assertEquals("", d.findElement(By.id("token")).getAttribute("value"));

                // force GC: freed bytes, and the heap after it as the JVM's own GC log has it
                d.findElement(By.id("gcBtn")).click();
                wait.until(x -> text(x, "memOut").startsWith("GC freed"));
                String gcText = text(d, "memOut");
                Matcher g = Pattern.compile("GC freed ([\\d.]+ [KMG]?B) \\(heap ([\\d.]+ [KMG]?B) → ([\\d.]+ [KMG]?B)\\)").matcher(gcText);
                assertTrue(g.find(), gcText);
                Matcher logged = awaitGcLog(gcLog);
                double logBefore = Double.parseDouble(logged.group(1));
                double logAfter = Double.parseDouble(logged.group(2));
                double pageAfter = mib(g.group(3));
                assertTrue(Math.abs(pageAfter - logAfter) <= 1.05, () -> gcText + " vs the GC log's " + logged.group());
                assertTrue(mib(g.group(1)) > 0, gcText);
                assertTrue(mib(g.group(2)) >= logAfter - 1, () -> gcText + " vs " + logged.group());
                assertTrue(mib(g.group(1)) <= logBefore - logAfter + 8, () -> gcText + " freed more than the collection did: " + logged.group());

                // heap dump: confirmation with the size, then an HPROF file
                d.findElement(By.id("heapBtn")).click();
                wait.until(x -> x.findElement(By.id("heapGo")).isDisplayed());
                String confirm = text(d, "heapConfirmText");
                Matcher est = Pattern.compile("heap dump of the live objects of about ([\\d.]+ [KMG]?B)").matcher(confirm);
                assertTrue(est.find(), confirm);
                screenshot(d, shots.resolve(tag + "-3-heap-confirm.png"));
                d.findElement(By.id("heapGo")).click();
                wait.until(x -> text(x, "memOut").startsWith("downloaded pid-" + pid + "-live.hprof") || text(x, "memOut").startsWith("HTTP"));
                assertTrue(text(d, "memOut").startsWith("downloaded pid-" + pid + "-live.hprof"), text(d, "memOut"));
                Path hprof = awaitDownload(downloads, "pid-" + pid + "-live.hprof");
                RuntimeTest.assertCompleteHprof(hprof);
                double fileMib = Files.size(hprof) / 1048576.0;
                double estimate = mib(est.group(1));
                assertTrue(estimate > fileMib / 4 && estimate < fileMib * 4, () -> confirm + " for a dump of " + fileMib + " MiB");

                // a CPU flame graph of 3 s: the hot method is in it and search finds it
                new Select(d.findElement(By.id("profKind"))).selectByValue("cpu");
                d.findElement(By.id("profSeconds")).clear();
                d.findElement(By.id("profSeconds")).sendKeys("3");
                d.findElement(By.id("profFlame")).click();
                wait.until(x -> text(x, "profOut").contains("flame graph of 3 s below") || text(x, "profOut").startsWith("HTTP"));
                assertTrue(text(d, "profOut").contains("flame graph of 3 s below"), text(d, "profOut"));
                d.switchTo().frame(d.findElement(By.id("flame")));
                assertTrue(d.getPageSource().contains("PriceCalculator.computePrice"), "the hot method in the flame graph's data");
                d.findElement(By.id("search")).sendKeys("computePrice");
                WebElement matched = d.findElement(By.id("matched"));
                wait.until(x -> matched.getText().startsWith("matched"));
                Matcher share = Pattern.compile("\\(([\\d.]+)%\\)").matcher(matched.getText());
                assertTrue(share.find() && Double.parseDouble(share.group(1)) >= 10, () -> "computePrice's share: " + matched.getText());
                d.findElement(By.id("fg")).click(); // zoom into the frame under the pointer, then back out
                d.findElement(By.id("reset")).click();
                d.switchTo().defaultContent();
                screenshot(d, shots.resolve(tag + "-4-flame-graph.png"));

                // an allocation profile downloaded as pprof: go tool pprof reads it and names the allocating method
                new Select(d.findElement(By.id("profKind"))).selectByValue("alloc");
                d.findElement(By.id("profPprof")).click();
                wait.until(x -> text(x, "profOut").startsWith("downloaded alloc.pb.gz") || text(x, "profOut").startsWith("HTTP"));
                assertTrue(text(d, "profOut").startsWith("downloaded alloc.pb.gz"), text(d, "profOut"));
                Path pprof = awaitDownload(downloads, "alloc.pb.gz");
                Files.copy(pprof, env.work.resolve("alloc.pb.gz"), StandardCopyOption.REPLACE_EXISTING);
                String top = GoPprof.top(env, "alloc.pb.gz");
                assertTrue(top.contains("dev.forgeperf.sample.ReportBuilder"), top);

                // threads by CPU: the three busy workers lead
                d.findElement(By.id("thrBtn")).click();
                wait.until(x -> x.findElements(By.cssSelector("#thrOut tbody tr")).size() > 0 || text(x, "thrOut").startsWith("HTTP"));
                List<WebElement> rows = d.findElements(By.cssSelector("#thrOut tbody tr"));
                assertTrue(rows.size() >= 3 && rows.size() <= 10, text(d, "thrOut"));
                String first = rows.get(0).findElements(By.tagName("td")).get(1).getText();
                assertTrue(first.startsWith("order-worker-"), () -> "the busiest thread: " + text(d, "thrOut"));
                assertFalse(text(d, "thrOut").contains("forge-perf-"), "our own threads are never ranked");

                // thread dump: the deadlock first, the named workers in it
                d.findElement(By.id("dumpBtn")).click();
                wait.until(x -> text(x, "dumpOut").contains(" threads: ") || text(x, "dumpOut").startsWith("HTTP"));
                String dump = text(d, "dumpOut");
                assertTrue(dump.contains("1 DEADLOCK(S)"), dump);
                assertTrue(dump.indexOf("Deadlock: ") < dump.indexOf("order-worker-1") && dump.contains("\"deadlock-a\""), dump);
                assertTrue(dump.contains("\"order-worker-1\""), dump);
                screenshot(d, shots.resolve(tag + "-5-threads.png"));

                // class histogram: top 5, largest first; the first class is among jcmd's 5 largest
                d.findElement(By.id("histTop")).clear();
                d.findElement(By.id("histTop")).sendKeys("5");
                d.findElement(By.id("histBtn")).click();
                wait.until(x -> x.findElements(By.cssSelector("#histOut tbody tr")).size() > 0 || text(x, "histOut").startsWith("HTTP"));
                List<WebElement> classes = d.findElements(By.cssSelector("#histOut tbody tr"));
                assertEquals(5, classes.size(), text(d, "histOut"));
                String firstClass = classes.get(0).findElements(By.tagName("td")).get(1).getText();
                Proc jcmd = Jdks.tool(jdk, "jcmd", pid, "GC.class_histogram", "-all");
                List<String> jcmdTop = jcmd.stdout().lines().filter(l -> l.matches("\\s*\\d+:.*")).limit(5).toList();
                assertTrue(jcmdTop.stream().anyMatch(l -> l.trim().endsWith(" " + jvmName(firstClass)) || l.contains(" " + jvmName(firstClass) + " ")),
                        () -> firstClass + " among jcmd's largest: " + jcmdTop);
                screenshot(d, shots.resolve(tag + "-6-histogram.png"));

                // pause: no request while paused; resume: polling again
                d.findElement(By.id("pause")).click();
                assertEquals("Resume", d.findElement(By.id("pause")).getText());
                drain(d, requested, perfLog);
                int before = requested.size();
                Env.sleep(5000); // two and a half polling periods in which nothing may be asked
                drain(d, requested, perfLog);
                List<String> whilePaused = requested.subList(before, requested.size()).stream().filter(u -> u.contains("/api/")).toList();
                assertTrue(whilePaused.isEmpty(), () -> "requests while paused: " + whilePaused);
                assertTrue(text(d, "sub").startsWith("paused at"), text(d, "sub"));
                d.findElement(By.id("pause")).click();
                wait.until(x -> text(x, "sub").startsWith("updated"));

                // the whole ring: more than 60 points once the sampler kept more
                wait.until(x -> num(json(unchecked(url + "api/history")), "count") > 70);
                assertTrue(points(d, "c-heap") <= 60, "60 points by default");
                new Select(d.findElement(By.id("range"))).selectByValue("all");
                wait.until(x -> points(x, "c-heap") > 70);
                assertTrue(text(d, "rangeNote").matches("\\d+ of 1000 samples kept, one every 500(\\.0)? ms"), text(d, "rangeNote"));
                screenshot(d, shots.resolve(tag + "-7-whole-ring.png"));

                // the token: in no URL asked for, in no HTML; sent as a header (the log does show headers)
                drain(d, requested, perfLog);
                assertTrue(requested.stream().anyMatch(u -> u.endsWith("/api/gc")) && requested.stream().anyMatch(u -> u.contains("/api/heap-dump?")),
                        () -> "the performance log saw the mutations: " + requested);
                List<String> leaked = requested.stream().filter(u -> u.contains(token)).toList();
                assertTrue(leaked.isEmpty(), () -> "the token in URLs: " + leaked);
                assertTrue(perfLog.stream().anyMatch(m -> m.contains("Bearer " + token)), "the token went as an Authorization header");
                assertFalse(d.getPageSource().contains(token), "the token in the page's HTML");
                assertFalse(get(url).text().contains(token), "the token in the served page");
            } finally {
                d.quit();
            }
            assertTrue(app.process().isAlive(), "the application still runs");
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aHeadRecordsNothing(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Proc app = env.java(jdk, List.of("-Xmx128m", "-javaagent:" + Fixtures.agentJar() + "=http=0"),
                    "-jar", Fixtures.sampleApp().toString(), "--quiet", "--threads", "1");
            String pid = app.awaitOut("sample-app ready pid=(\\d+)", Duration.ofSeconds(60));
            String url = awaitUrl(env, pid);
            // three at once, each for 300 s: had any of them recorded, the third would get 429 (2 slots) and the others would not end for 5 minutes
            List<CompletableFuture<Response>> heads = new ArrayList<>();
            for (String format : List.of("pprof", "html", "txt")) {
                heads.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return call("HEAD", url + "api/profile?kind=cpu&seconds=300&format=" + format);
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            Map<String, Response> byFormat = new HashMap<>();
            List<String> formats = List.of("pprof", "html", "txt");
            for (int i = 0; i < 3; i++) {
                byFormat.put(formats.get(i), heads.get(i).get(90, java.util.concurrent.TimeUnit.SECONDS));
            }
            byFormat.forEach((f, r) -> {
                assertEquals(200, r.status(), r::toString);
                assertEquals(0, r.body().length, r::toString);
            });
            assertEquals("attachment; filename=\"cpu.pb.gz\"", byFormat.get("pprof").header("Content-Disposition"));
            assertTrue(byFormat.get("html").header("Content-Type").startsWith("text/html"));
            assertTrue(byFormat.get("txt").header("Content-Type").startsWith("text/plain"));
            // the Go endpoints that record or wait for N seconds answer a HEAD at once too
            for (String path : List.of("debug/pprof/profile?seconds=300", "debug/pprof/trace?seconds=300", "debug/pprof/allocs?seconds=300",
                    "debug/pprof/block?seconds=300", "debug/pprof/heap?gc=1")) {
                Response head = CompletableFuture.supplyAsync(() -> {
                    try {
                        return call("HEAD", url + path);
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }).get(90, java.util.concurrent.TimeUnit.SECONDS);
                assertEquals(200, head.status(), () -> path + ": " + head);
                assertEquals(0, head.body().length, () -> path + ": " + head);
                assertTrue(head.header("Content-Disposition").startsWith("attachment; filename="), () -> path + ": " + head);
            }
            // three HEADs of a 60 s thread CPU measurement at once: had they measured, the third would get 429 (2 slots)
            List<CompletableFuture<Response>> cpuHeads = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                cpuHeads.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return call("HEAD", url + "api/threads/cpu?seconds=60");
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            for (CompletableFuture<Response> f : cpuHeads) {
                Response head = f.get(90, java.util.concurrent.TimeUnit.SECONDS);
                assertEquals(200, head.status(), head::toString);
                assertEquals(0, head.body().length, head::toString);
            }
            // no focused recording exists in the target (the JDK's own list), and bad parameters are still refused
            Proc check = Jdks.tool(jdk, "jcmd", pid, "JFR.check");
            assertFalse(check.stdout().contains("forge-perf-cpu"), check.stdout());
            assertEquals(400, call("HEAD", url + "api/profile?kind=cpu&seconds=301").status());
            assertEquals(400, call("HEAD", url + "api/profile?kind=heap").status());
            // a GET still records (both slots were free: no 429)
            Response got = get(url + "api/profile?kind=cpu&seconds=1&format=txt");
            assertEquals(200, got.status(), got::toString);
            assertTrue(got.text().startsWith("cpu profile of pid " + pid), got::toString);
        }
    }

    private static WebDriver browser(String chromium, Env env, Path downloads) throws IOException {
        ChromeOptions o = new ChromeOptions();
        o.setBinary(chromium);
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1400,2400",
                "--user-data-dir=" + Files.createTempDirectory(env.work, "chromium-"));
        Map<String, Object> prefs = new HashMap<>();
        prefs.put("download.default_directory", downloads.toString());
        prefs.put("download.prompt_for_download", false);
        prefs.put("profile.default_content_setting_values.automatic_downloads", 1);
        o.setExperimentalOption("prefs", prefs);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.PERFORMANCE, Level.ALL);
        o.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new java.io.File(CHROMEDRIVER))
                .usingAnyFreePort().withLogFile(env.work.resolve("chromedriver.log").toFile()).build();
        return new ChromeDriver(service, o);
    }

    private static String text(WebDriver d, String id) {
        return d.findElement(By.id(id)).getText().trim();
    }

    /** Points of a chart's longest line, read in the page in one step (the chart is redrawn every 2 s). */
    private static int points(WebDriver d, String id) {
        Object n = ((org.openqa.selenium.JavascriptExecutor) d).executeScript("var m = 0; document.querySelectorAll('#' + arguments[0] + ' polyline')"
                + ".forEach(function (l) { m = Math.max(m, l.getAttribute('points').trim().split(/\\s+/).length); }); return m;", id);
        return ((Number) n).intValue();
    }

    /** Moves the new entries of Chromium's performance log into {@code urls} (every request's URL) and {@code all} (every message). */
    private static void drain(WebDriver d, List<String> urls, List<String> all) {
        Pattern requestUrl = Pattern.compile("\"method\":\"Network\\.requestWillBeSent\".*?\"request\":\\{.*?\"url\":\"([^\"]*)\"");
        for (LogEntry e : d.manage().logs().get(LogType.PERFORMANCE)) {
            String m = e.getMessage();
            all.add(m);
            Matcher u = requestUrl.matcher(m);
            if (u.find()) {
                urls.add(u.group(1));
            }
        }
    }

    private static void screenshot(WebDriver d, Path png) throws IOException {
        byte[] bytes = ((org.openqa.selenium.TakesScreenshot) d).getScreenshotAs(OutputType.BYTES);
        assertTrue(bytes.length > 20_000 && bytes[0] == (byte) 0x89, () -> png + ": " + bytes.length + " bytes");
        Files.write(png, bytes);
    }

    /** The file Chromium finished downloading (no {@code .crdownload} left). */
    private static Path awaitDownload(Path dir, String name) throws IOException {
        Path file = dir.resolve(name);
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!Files.exists(file) || Files.exists(dir.resolve(name + ".crdownload"))) {
            try (Stream<Path> s = Files.list(dir)) {
                List<Path> there = s.toList();
                assertTrue(System.nanoTime() < deadline, () -> "no download " + name + " in " + there);
            }
            Env.sleep(100);
        }
        return file;
    }

    /** The GC log's line for the collection the page forced ({@code GC.run}: cause "Diagnostic Command"): groups before and after, in MiB. */
    private static Matcher awaitGcLog(Path log) throws IOException {
        Pattern line = Pattern.compile("Pause Full \\(Diagnostic Command\\) (\\d+)M->(\\d+)M");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            List<Matcher> found = new ArrayList<>();
            for (String l : Files.readAllLines(log)) {
                Matcher m = line.matcher(l);
                if (m.find()) {
                    found.add(m);
                }
            }
            if (!found.isEmpty()) {
                assertEquals(1, found.size(), "one forced collection");
                return found.get(0);
            }
            assertTrue(System.nanoTime() < deadline, "no forced collection in " + log);
            Env.sleep(100);
        }
    }

    /** "12.3 MB" (the page's 2^20 units) in MiB. */
    private static double mib(String shown) {
        String[] p = shown.split(" ");
        double v = Double.parseDouble(p[0]);
        switch (p[1]) {
            case "B": return v / 1048576;
            case "KB": return v / 1024;
            case "MB": return v;
            case "GB": return v * 1024;
            default: throw new AssertionError(shown);
        }
    }

    /** jcmd's class name for the page's Java source form: byte[] is [B, java.lang.String[] is [Ljava.lang.String;. */
    private static String jvmName(String source) {
        Map<String, String> prims = Map.of("byte", "B", "char", "C", "int", "I", "long", "J", "short", "S", "boolean", "Z", "double", "D", "float", "F");
        int dims = 0;
        String s = source;
        while (s.endsWith("[]")) {
            dims++;
            s = s.substring(0, s.length() - 2);
        }
        if (dims == 0) {
            return s;
        }
        return "[".repeat(dims) + (prims.containsKey(s) ? prims.get(s) : "L" + s + ";");
    }

    private static long num(Map<String, Object> m, String key) {
        return RuntimeTest.num(m, key);
    }

    private static Response unchecked(String url) {
        try {
            return get(url);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
