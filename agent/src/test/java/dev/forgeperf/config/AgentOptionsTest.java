package dev.forgeperf.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentOptionsTest {
    @Test
    void repeatedKeysAndCommasInsideParentheses() {
        AgentOptions o = AgentOptions.parse("timed=com.acme.Repo#find(java.lang.String,int),timed=com.acme.*Service#handle*,verbose=true");
        assertEquals(List.of("com.acme.Repo#find(java.lang.String,int)", "com.acme.*Service#handle*"), o.all("timed"));
        assertTrue(o.flag("verbose"));
        assertTrue(o.warnings().isEmpty(), o.warnings()::toString);
    }

    @Test
    void pyroscopeLabelsKeepTheirCommasAndCredentialsAreNotShown() {
        AgentOptions o = AgentOptions.parse("pyroscope=http://me:pw@10.0.0.5:4040,pyroscope.app=orders{env=prod,region=eu},verbose=true");
        assertEquals("orders{env=prod,region=eu}", o.get("pyroscope.app", null));
        assertEquals("http://me:pw@10.0.0.5:4040", o.get("pyroscope", null));
        assertEquals(List.of("http://(hidden)@10.0.0.5:4040"), o.displayMap().get("pyroscope"));
        assertTrue(o.flag("verbose"));
        assertTrue(o.warnings().isEmpty(), o.warnings()::toString);
    }

    @Test
    void oneRuleHidesCredentialsAndTokenParametersWhereverAUrlIsQuoted() {
        // an exception's message quoting the URL (what the Pyroscope push logs): spaces end the URL
        assertEquals("Server returned HTTP response code: 401 for URL: http://(hidden)@10.0.0.5:4040/ingest?name=app&from=1 (retry)",
                AgentOptions.withoutCredentials("Server returned HTTP response code: 401 for URL: http://me:pw@10.0.0.5:4040/ingest?name=app&from=1 (retry)"));
        // token-like query parameters, any case; other parameters kept as they are
        assertEquals("https://h/p?name=a&token=(hidden)&X-Api-Key=(hidden)&access_token=(hidden)&password=(hidden)&authSig=(hidden)&from=3#f",
                AgentOptions.withoutCredentials("https://h/p?name=a&token=t0k&X-Api-Key=k3y&access_token=a.b.c&password=pw&authSig=s1g&from=3#f"));
        // an option list: commas end a value, and http.token is hidden too
        assertEquals("-javaagent:/a.jar=http.token=(hidden),pyroscope=http://(hidden)@h:4040,timed=a.B#c",
                AgentOptions.withoutSecrets("-javaagent:/a.jar=http.token=abc,pyroscope=http://u:s3cret@h:4040,timed=a.B#c"));
        assertEquals("no URL here: token=x key, http://h:1/p", AgentOptions.withoutCredentials("no URL here: token=x key, http://h:1/p"));
        assertEquals(null, AgentOptions.withoutCredentials(null));
    }

    @Test
    void unknownAndMalformedOptionsBecomeWarningsNotFailures() {
        AgentOptions o = AgentOptions.parse("bogus=1,noequals,=x,timed.sample=abc,timed.jfrThreshold=5 parsecs");
        assertEquals(5, o.warnings().size(), o.warnings()::toString);
        assertTrue(o.warnings().get(0).contains("unknown option 'bogus'"));
        assertTrue(o.warnings().get(1).contains("malformed option 'noequals'"));
        assertEquals(1, o.positiveInt("timed.sample", 1));
        assertEquals(10_000_000L, o.durationNanos("timed.jfrThreshold", 10_000_000L));
        assertTrue(o.warnings().stream().anyMatch(w -> w.contains("timed.sample=abc")));
        assertTrue(o.warnings().stream().anyMatch(w -> w.contains("timed.jfrThreshold=5 parsecs") && w.contains("unknown unit")));
    }

    @Test
    void emptyAndNullMeanDefaults() {
        assertTrue(AgentOptions.parse(null).asMap().isEmpty());
        assertTrue(AgentOptions.parse("").warnings().isEmpty());
    }

    @Test
    void configFileAddsToTheCommandLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("fp.properties");
        Files.writeString(file, "timed=a.B#c,d.E#f(int,long)\nsnapshotOnExit=/tmp/x\nnope=1\n");
        AgentOptions o = AgentOptions.parse("timed=z.Y#x,config=" + file);
        assertEquals(List.of("z.Y#x", "a.B#c", "d.E#f(int,long)"), o.all("timed"));
        assertEquals("/tmp/x", o.get("snapshotOnExit", null));
        assertEquals(1, o.warnings().size(), o.warnings()::toString);
        assertTrue(o.warnings().get(0).contains("'nope'"));
    }

    @Test
    void missingConfigFileIsAWarning() {
        AgentOptions o = AgentOptions.parse("config=/nonexistent/forge-perf.properties");
        assertEquals(1, o.warnings().size());
        assertTrue(o.warnings().get(0).startsWith("cannot read config file /nonexistent/forge-perf.properties"));
    }

    @Test
    void durations() {
        assertEquals(250_000_000L, AgentOptions.parse("timed.jfrThreshold=250ms").durationNanos("timed.jfrThreshold", 0));
        assertEquals(2_000_000_000L, AgentOptions.parse("timed.jfrThreshold=2s").durationNanos("timed.jfrThreshold", 0));
        assertEquals(1_500L, AgentOptions.parse("timed.jfrThreshold=1.5us").durationNanos("timed.jfrThreshold", 0));
    }

    @Test
    void aConfigFileThatNamesItselfStopsAfterAFewLevels(@TempDir Path dir) throws Exception {
        Path loop = dir.resolve("loop.properties");
        Files.writeString(loop, "config=" + loop + "\njfr=off\n");
        AgentOptions o = AgentOptions.parse("config=" + loop);
        assertEquals("off", o.get("jfr", null));
        assertTrue(o.warnings().stream().anyMatch(w -> w.contains("nest more than 4 deep")), o.warnings()::toString);
    }

    @Test
    void onlyARegularFileIsReadAsConfig(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mk.waitFor());
        AgentOptions o = AgentOptions.parse("config=" + fifo);
        assertEquals(java.util.List.of("cannot read config file " + fifo + ": not a regular file (a FIFO, socket or device); give a regular properties file"),
                o.warnings());
        AgentOptions missing = AgentOptions.parse("config=" + dir.resolve("none"));
        assertEquals(java.util.List.of("cannot read config file " + dir.resolve("none") + ": no such file or directory; give a regular properties file"),
                missing.warnings());
    }
}
