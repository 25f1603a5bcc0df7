package dev.forgeperf.report;

/**
 * The shell of forge-perf's HTML pages (report and snapshot diff): one self-contained document
 * with inline CSS and JavaScript, system fonts only, nothing fetched from the network. The script
 * only adds the charts' hover read-out; the page reads fine without it. Stateless.
 */
final class Html {
    private Html() {
    }

    /** Text escaped for HTML element content and attribute values. */
    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&': b.append("&amp;"); break;
                case '<': b.append("&lt;"); break;
                case '>': b.append("&gt;"); break;
                case '"': b.append("&quot;"); break;
                case '\'': b.append("&#39;"); break;
                default: b.append(c);
            }
        }
        return b.toString();
    }

    /** A whole page: {@code body} (trusted markup built by us, every datum escaped) inside the shared layout. */
    static String page(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>" + escape(title) + "</title>\n<style>\n" + CSS + "</style>\n</head>\n<body>\n" + body
                + "\n<script>\n" + SCRIPT + "</script>\n</body>\n</html>\n";
    }

    /** A severity or verdict badge. */
    static String badge(String cls, String text) {
        return "<span class=\"badge " + escape(cls) + "\">" + escape(text) + "</span>";
    }

    /** A cell with a share bar behind its text ({@code fraction} 0..1 of the cell's width). */
    static String bar(String text, double fraction, String cls) {
        double w = Double.isNaN(fraction) ? 0 : Math.max(0, Math.min(1, fraction)) * 100;
        return "<div class=\"barcell\"><i class=\"" + cls + "\" style=\"width:" + String.format(java.util.Locale.ROOT, "%.1f", w) + "%\"></i><span>"
                + escape(text) + "</span></div>";
    }

    static final String CSS = String.join("\n",
            ":root{--bg:#f4f6f9;--card:#fff;--ink:#1f2937;--muted:#6b7280;--line:#e5e7eb;--crit:#dc2626;--warn:#d97706;--info:#2563eb;--ok:#16a34a}",
            "*{box-sizing:border-box}",
            "body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,'DejaVu Sans',sans-serif}",
            "header{background:#111827;color:#f9fafb;padding:22px 32px 20px}",
            "header .in{max-width:1240px;margin:0 auto;display:flex;gap:16px;align-items:flex-start;justify-content:space-between}",
            "header h1{margin:0;font-size:20px;font-weight:600;word-break:break-all}",
            "header .sub{color:#9ca3af;margin-top:5px;font-size:13px}",
            "main{max-width:1240px;margin:0 auto;padding:8px 32px 40px}",
            "section{margin-top:24px}",
            "h2{font-size:13px;text-transform:uppercase;letter-spacing:.07em;color:var(--muted);margin:0 0 10px;font-weight:600}",
            "h3{font-size:14px;margin:0 0 2px;font-weight:600}",
            ".card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px;box-shadow:0 1px 2px rgba(16,24,40,.04)}",
            ".note{color:var(--muted);font-size:12px;margin:0 0 8px}",
            ".badge{display:inline-block;padding:3px 11px;border-radius:999px;font-size:12px;font-weight:700;text-transform:uppercase;letter-spacing:.05em;white-space:nowrap}",
            ".badge.healthy,.badge.pass{background:#dcfce7;color:#166534}.badge.degraded,.badge.warning{background:#fef3c7;color:#92400e}",
            ".badge.unhealthy,.badge.critical,.badge.fail{background:#fee2e2;color:#991b1b}.badge.info{background:#dbeafe;color:#1e40af}",
            ".finding{display:flex;gap:12px;align-items:flex-start;background:#fff;border:1px solid var(--line);border-left:4px solid var(--info);border-radius:8px;padding:10px 14px;margin-bottom:8px}",
            ".finding.critical{border-left-color:var(--crit);background:#fffafa}.finding.warning{border-left-color:var(--warn);background:#fffdf7}",
            ".finding .badge{min-width:78px;text-align:center}.finding .msg{flex:1;word-break:break-word}",
            ".finding ul{margin:6px 0 0;padding-left:18px;color:#374151;font:12px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,'DejaVu Sans Mono',monospace}",
            ".kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px}",
            ".kpi .l{color:var(--muted);font-size:11px;text-transform:uppercase;letter-spacing:.06em}.kpi .v{font-size:22px;font-weight:600;margin-top:2px;font-variant-numeric:tabular-nums}",
            ".kpi .s{color:var(--muted);font-size:12px}",
            ".grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:14px}",
            ".chartbox{position:relative}",
            ".legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px;color:var(--muted);margin:2px 0 6px}",
            ".legend span::before,.tip i{content:'';display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px;background:var(--c)}",
            "svg.chart,svg.bar{width:100%;height:auto;display:block}",
            "svg text{font:11px system-ui,-apple-system,'Segoe UI',Roboto,Arial,'DejaVu Sans',sans-serif;fill:#6b7280}",
            ".ylab{text-anchor:end}.xlab{text-anchor:middle}.reflab{text-anchor:end;fill:#dc2626!important}.legend text,text.legend{fill:#374151}",
            ".grid{stroke:#eef0f3;stroke-width:1}.tick{stroke:#cbd5e1}.ref{stroke:#dc2626;stroke-dasharray:5 4;stroke-width:1.2}",
            ".line{fill:none;stroke-width:1.8;stroke-linejoin:round;stroke-linecap:round}.area{opacity:.13}.cursor{stroke:#9ca3af;stroke-width:1}",
            ".tip{position:absolute;display:none;pointer-events:none;background:rgba(17,24,39,.94);color:#f9fafb;padding:7px 9px;border-radius:6px;font-size:12px;white-space:nowrap;z-index:5}",
            ".tip i{width:8px;height:8px}",
            "table{width:100%;border-collapse:collapse;font-size:13px}",
            "th{text-align:left;font-weight:600;color:var(--muted);font-size:11px;text-transform:uppercase;letter-spacing:.04em;border-bottom:1px solid var(--line);padding:6px 8px;white-space:nowrap}",
            "td{padding:5px 8px;border-bottom:1px solid #f1f3f5;vertical-align:top}",
            "tr:last-child td{border-bottom:none}tbody tr:hover td{background:#f9fafb}",
            "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}",
            "td.m{font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,'DejaVu Sans Mono',monospace;word-break:break-all}",
            ".barcell{position:relative;min-width:90px}.barcell i{position:absolute;left:0;top:1px;bottom:1px;border-radius:3px;background:#dbeafe}",
            ".barcell i.cpu{background:#d1fae5}.barcell i.alloc{background:#cffafe}.barcell i.lock{background:#fee2e2}.barcell i.mem{background:#ede9fe}",
            ".barcell span{position:relative;padding:0 4px}",
            ".up{color:#b91c1c;font-weight:600}.down{color:#15803d}.flag{color:#b91c1c;font-weight:700}",
            ".muted{color:var(--muted)}",
            ".parts{display:flex;flex-wrap:wrap;gap:6px 18px;font-size:13px}.parts .ok{color:var(--ok)}.parts .bad{color:var(--crit)}",
            "footer{max-width:1240px;margin:0 auto;padding:0 32px 32px;color:var(--muted);font-size:12px}",
            "a{color:#2563eb;text-decoration:none}a:hover{text-decoration:underline}",
            "@media print{.tip{display:none!important}body{background:#fff}}",
            "");

    static final String SCRIPT = String.join("\n",
            "(function(){",
            "function fb(v){var u=['B','KB','MB','GB','TB'],i=0,a=Math.abs(v);while(a>=1024&&i<4){a/=1024;v/=1024;i++}return (i?v.toFixed(1):v.toFixed(0))+' '+u[i]}",
            "function fmt(v,u){if(v===null||v===undefined)return '-';if(u==='bytes')return fb(v);if(u==='bytesPerSecond')return fb(v)+'/s';",
            " if(u==='fraction')return (v*100).toFixed(Math.abs(v)<0.1?2:1)+'%';return Math.round(v).toLocaleString('en-US')}",
            "function pad(n){return (n<10?'0':'')+n}",
            "function clock(t){var d=new Date(t);return pad(d.getHours())+':'+pad(d.getMinutes())+':'+pad(d.getSeconds())}",
            "Array.prototype.forEach.call(document.querySelectorAll('svg.chart'),function(svg){",
            " var d;try{d=JSON.parse(svg.getAttribute('data-chart'))}catch(e){return}",
            " var box=svg.closest('.chartbox'),tip=box&&box.querySelector('.tip'),cur=svg.querySelector('.cursor'),n=d.t.length;",
            " if(!tip||!cur||!n)return;",
            " var W=svg.viewBox.baseVal.width,t0=d.t[0],span=Math.max(1,d.t[n-1]-t0);",
            " svg.addEventListener('mousemove',function(e){",
            "  var r=svg.getBoundingClientRect(),x=(e.clientX-r.left)/r.width*W,t=t0+(x-d.x0)/(d.x1-d.x0)*span,lo=0,hi=n-1;",
            "  while(lo<hi){var m=(lo+hi)>>1;if(d.t[m]<t)lo=m+1;else hi=m}",
            "  if(lo>0&&Math.abs(d.t[lo-1]-t)<Math.abs(d.t[lo]-t))lo--;",
            "  var px=n===1?(d.x0+d.x1)/2:d.x0+(d.t[lo]-t0)/span*(d.x1-d.x0);",
            "  cur.setAttribute('x1',px);cur.setAttribute('x2',px);cur.setAttribute('visibility','visible');",
            "  tip.textContent='';var h=document.createElement('b');h.textContent=clock(d.t[lo]);tip.appendChild(h);",
            "  d.s.forEach(function(s){var row=document.createElement('div'),dot=document.createElement('i');dot.style.setProperty('--c',s.c);",
            "   row.appendChild(dot);row.appendChild(document.createTextNode(s.n+': '+fmt(s.v[lo],d.unit)));tip.appendChild(row)});",
            "  tip.style.display='block';var b=box.getBoundingClientRect(),left=e.clientX-b.left+14;",
            "  if(left+tip.offsetWidth>b.width)left=e.clientX-b.left-tip.offsetWidth-14;",
            "  tip.style.left=Math.max(0,left)+'px';tip.style.top=(e.clientY-b.top+12)+'px'});",
            " svg.addEventListener('mouseleave',function(){cur.setAttribute('visibility','hidden');tip.style.display='none'});",
            "});",
            "})();",
            "");
}
