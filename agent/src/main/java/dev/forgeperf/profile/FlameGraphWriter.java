package dev.forgeperf.profile;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * Writes one self-contained interactive HTML flame graph: inline CSS and JavaScript, no network,
 * data embedded as JSON (every name escaped so that no {@code </script>} or markup can break out;
 * names are drawn on a canvas and shown with {@code textContent}, never parsed as HTML).
 * Search (regular expression, matched share; also from the URL, {@code page.html#search=REGEX}),
 * click to zoom, Escape or the reset button to zoom out, tooltip with value and share.
 *
 * <p>The differential form (two profiles) draws frame widths from the second profile and colors
 * them by the change of their share of the total: red got hotter, blue got colder.
 */
public final class FlameGraphWriter {
    private FlameGraphWriter() {
    }

    /** A flame graph of the sample type people read first ({@link TopTable#leadingType}: CPU time for a CPU profile). */
    public static void write(Profile profile, String title, OutputStream out) throws IOException {
        int type = TopTable.leadingType(profile);
        CallTree tree = CallTree.of(profile, type);
        SampleType st = profile.sampleTypes().get(type);
        write(tree, title, st.type() + " (" + st.unit() + ")", st.unit(), false, out);
    }

    /** A differential flame graph: widths from {@code after}, colors from the change of share since {@code before}. */
    public static void writeDiff(Profile before, int typeBefore, Profile after, int typeAfter, String title, OutputStream out)
            throws IOException {
        CallTree tree = CallTree.of(after, typeAfter, before, typeBefore);
        SampleType st = after.sampleTypes().get(typeAfter);
        write(tree, title, st.type() + " (" + st.unit() + "), width: B, color: change of share from A to B (red hotter, blue colder)",
                st.unit(), true, out);
    }

    private static void write(CallTree tree, String title, String subtitle, String unit, boolean diff, OutputStream out)
            throws IOException {
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
        String page = TEMPLATE.replace("@TITLE@", html(title));
        int data = page.indexOf("@DATA@");
        w.write(page, 0, data);
        w.write("{\"title\":");
        json(w, title);
        w.write(",\"subtitle\":");
        json(w, subtitle);
        w.write(",\"unit\":");
        json(w, unit);
        w.write(",\"diff\":" + diff + ",\"names\":[");
        for (int i = 0; i < tree.names.size(); i++) {
            if (i > 0) {
                w.write(',');
            }
            json(w, tree.names.get(i));
        }
        w.write("],\"tree\":[");
        long[][] totals = tree.totals();
        int[][] children = tree.children();
        // preorder: name, kind, value, [value of A,] child count
        int[] stack = new int[64];
        int sp = 0;
        stack[sp++] = 0;
        boolean first = true;
        StringBuilder sb = new StringBuilder(64);
        while (sp > 0) {
            int n = stack[--sp];
            sb.setLength(0);
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append(tree.name[n]).append(',').append(tree.kind[n]).append(',').append(totals[0][n]);
            if (diff) {
                sb.append(',').append(totals[1][n]);
            }
            sb.append(',').append(children[n].length);
            w.append(sb);
            int[] c = children[n];
            if (sp + c.length > stack.length) {
                stack = java.util.Arrays.copyOf(stack, Math.max(stack.length * 2, sp + c.length));
            }
            for (int i = c.length - 1; i >= 0; i--) {
                stack[sp++] = c[i];
            }
        }
        w.write("]}");
        w.write(page, data + "@DATA@".length(), page.length() - data - "@DATA@".length());
        w.flush();
    }

    /** Escapes text for an HTML text node. */
    static String html(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A JSON string literal safe inside a {@code <script>} element. */
    static void json(Writer w, String s) throws IOException {
        StringBuilder b = new StringBuilder(s.length() + 2);
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
        w.write(b.toString());
    }

    private static final String TEMPLATE = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
            <title>@TITLE@</title>
            <style>
            body { margin: 0; padding: 8px 12px; font: 12px Verdana, Arial, sans-serif; background: #fff; color: #222; }
            h1 { font-size: 16px; margin: 4px 0; }
            #sub { color: #666; margin-bottom: 6px; }
            #bar { display: flex; gap: 8px; align-items: center; margin-bottom: 6px; }
            #search { width: 280px; padding: 3px; }
            #matched { color: #a0a; }
            button { padding: 2px 8px; }
            #wrap { position: relative; }
            canvas { display: block; width: 100%; cursor: pointer; }
            #tip { position: fixed; pointer-events: none; background: #ffffe8; border: 1px solid #aaa; padding: 4px 6px;
                   white-space: pre; display: none; font: 12px monospace; max-width: 90vw; overflow: hidden; }
            #status { margin-top: 4px; color: #444; white-space: pre; font: 12px monospace; min-height: 1.2em; }
            </style>
            </head>
            <body>
            <h1 id="title"></h1>
            <div id="sub"></div>
            <div id="bar">
              <input id="search" type="search" placeholder="Search (regular expression)" aria-label="search">
              <span id="matched"></span>
              <button id="reset" type="button">Reset zoom</button>
            </div>
            <div id="wrap"><canvas id="fg"></canvas></div>
            <div id="status"></div>
            <div id="tip"></div>
            <script>
            "use strict";
            const D = @DATA@;
            (function () {
              const ROW = 17, names = D.names, t = D.tree;
              let pos = 0, maxDepth = 0;
              function build(parent, depth) {
                const n = { name: names[t[pos++]], kind: t[pos++], v: t[pos++], a: 0, p: parent, d: depth, c: null, hit: false };
                if (D.diff) n.a = t[pos++];
                const k = t[pos++];
                if (depth > maxDepth) maxDepth = depth;
                n.c = new Array(k);
                for (let i = 0; i < k; i++) n.c[i] = build(n, depth + 1);
                return n;
              }
              const root = build(null, 0);
              const totalB = root.v || 1, totalA = root.a || 1;
              document.getElementById("title").textContent = D.title;
              document.getElementById("sub").textContent = D.subtitle + " \\u2014 total " + fmt(root.v) + (D.diff ? " (A: " + fmt(root.a) + ")" : "");
              const canvas = document.getElementById("fg"), ctx = canvas.getContext("2d");
              const tip = document.getElementById("tip"), status = document.getElementById("status");
              let zoom = root, rects = [], maxDelta = 0, hovered = null;
              if (D.diff) (function scan(n) { maxDelta = Math.max(maxDelta, Math.abs(delta(n))); n.c.forEach(scan); })(root);

              function fmt(v) {
                const a = Math.abs(v), s = v < 0 ? "-" : "";
                if (D.unit === "nanoseconds") {
                  if (a >= 1e9) return s + (a / 1e9).toFixed(2) + "s";
                  if (a >= 1e6) return s + (a / 1e6).toFixed(2) + "ms";
                  if (a >= 1e3) return s + (a / 1e3).toFixed(1) + "us";
                  return s + a + "ns";
                }
                if (D.unit === "bytes") {
                  if (a >= 1073741824) return s + (a / 1073741824).toFixed(2) + "GB";
                  if (a >= 1048576) return s + (a / 1048576).toFixed(1) + "MB";
                  if (a >= 1024) return s + (a / 1024).toFixed(1) + "KB";
                  return s + a + "B";
                }
                return String(v);
              }
              function pct(v, total) { return (100 * v / total).toFixed(2) + "%"; }
              function delta(n) { return n.v / totalB - n.a / totalA; }
              function hash(s) { let h = 0; for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0; return (h >>> 0) / 4294967295; }
              function color(n) {
                if (n.hit) return "#e040e0";
                if (D.diff) {
                  const d = maxDelta > 0 ? delta(n) / maxDelta : 0, k = Math.round(255 * (1 - Math.min(1, Math.abs(d))));
                  return d > 0 ? "rgb(255," + k + "," + k + ")" : d < 0 ? "rgb(" + k + "," + k + ",255)" : "rgb(245,245,245)";
                }
                const r = hash(n.name);
                switch (n.kind) {
                  case 1: return "hsl(180," + Math.round(45 + 25 * r) + "%," + Math.round(55 + 12 * r) + "%)";
                  case 2: return "hsl(" + Math.round(25 + 20 * r) + ",85%," + Math.round(58 + 10 * r) + "%)";
                  case 3: case 4: return "hsl(0,0%," + Math.round(72 + 10 * r) + "%)";
                  default: return "hsl(" + Math.round(90 + 40 * r) + "," + Math.round(45 + 25 * r) + "%," + Math.round(50 + 12 * r) + "%)";
                }
              }
              function draw() {
                const w = canvas.clientWidth || 1000, h = (maxDepth + 1) * ROW, dpr = window.devicePixelRatio || 1;
                canvas.style.height = h + "px";
                canvas.width = Math.round(w * dpr);
                canvas.height = Math.round(h * dpr);
                ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
                ctx.clearRect(0, 0, w, h);
                ctx.font = "11px Verdana, Arial, sans-serif";
                ctx.textBaseline = "middle";
                rects = [];
                for (let a = zoom.p; a; a = a.p) box(a, 0, w, h, true);
                const scale = w / (zoom.v || 1);
                (function walk(n, x) {
                  const width = n.v * scale;
                  if (width < 0.4) return;
                  box(n, x, width, h, false);
                  let cx = x;
                  for (const c of n.c) { walk(c, cx); cx += c.v * scale; }
                })(zoom, 0);
              }
              function box(n, x, width, h, faded) {
                const y = h - (n.d + 1) * ROW;
                ctx.globalAlpha = faded ? 0.5 : 1;
                ctx.fillStyle = color(n);
                ctx.fillRect(x, y, Math.max(width - 0.5, 0.4), ROW - 1);
                if (width > 24) {
                  ctx.fillStyle = "#000";
                  const room = width - 6, text = fit(n.name, room);
                  if (text) ctx.fillText(text, x + 3, y + ROW / 2);
                }
                ctx.globalAlpha = 1;
                rects.push({ x: x, y: y, w: width, n: n });
              }
              function fit(s, room) {
                if (ctx.measureText(s).width <= room) return s;
                let lo = 0, hi = s.length;
                while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (ctx.measureText(s.slice(0, mid) + "..").width <= room) lo = mid; else hi = mid - 1; }
                return lo < 3 ? "" : s.slice(0, lo) + "..";
              }
              function at(ev) {
                const r = canvas.getBoundingClientRect(), x = ev.clientX - r.left, y = ev.clientY - r.top;
                for (let i = rects.length - 1; i >= 0; i--) {
                  const b = rects[i];
                  if (x >= b.x && x < b.x + b.w && y >= b.y && y < b.y + ROW) return b.n;
                }
                return null;
              }
              function describe(n) {
                let s = n.name + "\\n" + fmt(n.v) + "  (" + pct(n.v, totalB) + " of all, " + pct(n.v, zoom.v || 1) + " of zoomed)";
                if (D.diff) {
                  const d = delta(n) * 100;
                  s = n.name + "\\nB: " + fmt(n.v) + " (" + pct(n.v, totalB) + ")   A: " + fmt(n.a) + " (" + pct(n.a, totalA) + ")"
                    + "\\nchange of share: " + (d >= 0 ? "+" : "") + d.toFixed(2) + "%";
                }
                return s;
              }
              canvas.addEventListener("mousemove", function (ev) {
                const n = at(ev);
                hovered = n;
                if (!n) { tip.style.display = "none"; return; }
                tip.textContent = describe(n);
                tip.style.display = "block";
                tip.style.left = Math.min(ev.clientX + 12, window.innerWidth - tip.offsetWidth - 4) + "px";
                tip.style.top = (ev.clientY + 14) + "px";
                status.textContent = describe(n).split("\\n").join("   ");
              });
              canvas.addEventListener("mouseleave", function () { tip.style.display = "none"; });
              canvas.addEventListener("click", function (ev) { const n = at(ev); if (n) { zoom = n; draw(); } });
              document.getElementById("reset").addEventListener("click", function () { zoom = root; draw(); });
              const search = document.getElementById("search"), matched = document.getElementById("matched");
              function runSearch() {
                const q = search.value;
                let re = null;
                if (q) { try { re = new RegExp(q); } catch (e) { re = new RegExp(q.replace(/[.*+?^${}()|[\\]\\\\]/g, "\\\\$&")); } }
                let sum = 0;
                (function mark(n, inside) {
                  n.hit = !!re && n !== root && re.test(n.name);
                  if (n.hit && !inside) sum += n.v;
                  for (const c of n.c) mark(c, inside || n.hit);
                })(root, false);
                matched.textContent = re ? "matched " + fmt(sum) + " (" + pct(sum, totalB) + ")" : "";
                draw();
              }
              search.addEventListener("input", runSearch);
              document.addEventListener("keydown", function (ev) {
                if (ev.key === "Escape") { zoom = root; search.value = ""; runSearch(); }
                if ((ev.ctrlKey || ev.metaKey) && ev.key === "f") { ev.preventDefault(); search.focus(); }
              });
              window.addEventListener("resize", draw);
              if (location.hash.indexOf("#search=") === 0) {
                search.value = decodeURIComponent(location.hash.substring(8));
                runSearch();
              } else {
                draw();
              }
            })();
            </script>
            </body>
            </html>
            """;
}
