"""A hand-written SVG of how cost grows: build time and /api/search p95 against corpus size,
log-log, one line per system, from one run's results (no matplotlib).

    python bench/plot.py [bench/out/results.json] > bench/scaling.svg
"""
from __future__ import annotations

import json
import math
import sys
from html import escape
from pathlib import Path

COLORS = {"fts5": "#2b8a3e", "datasette": "#e67700"}
KLIPING_COLORS = ["#1c7ed6", "#9c36b5", "#c92a2a", "#495057"]
W, H = 900, 380
PANEL_W, PANEL_H = 360, 260
MARGIN_L, MARGIN_T = 70, 50


def _ticks(lo: float, hi: float) -> list[float]:
    out = []
    e = math.floor(math.log10(lo))
    while 10 ** e <= hi * 1.0001:
        for m in (1, 2, 5):
            v = m * 10 ** e
            if lo / 1.0001 <= v <= hi * 1.0001:
                out.append(v)
        e += 1
    return out or [lo, hi]


def _fmt(v: float) -> str:
    if v >= 1000:
        return f"{v / 1000:g}k"
    return f"{v:g}"


def panel(x0: float, title: str, series: dict[str, list[tuple[float, float]]], ylabel: str, colors: dict) -> list[str]:
    pts = [p for s in series.values() for p in s if p[0] > 0 and p[1] > 0]
    if not pts:
        return []
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    xlo, xhi = min(xs) / 1.3, max(xs) * 1.3
    ylo, yhi = min(ys) / 1.5, max(ys) * 1.5

    def X(v):
        return x0 + (math.log10(v) - math.log10(xlo)) / (math.log10(xhi) - math.log10(xlo)) * PANEL_W

    def Y(v):
        return MARGIN_T + PANEL_H - (math.log10(v) - math.log10(ylo)) / (math.log10(yhi) - math.log10(ylo)) * PANEL_H

    o = [f'<text x="{x0 + PANEL_W / 2}" y="{MARGIN_T - 18}" text-anchor="middle" font-weight="bold">{escape(title)}</text>',
         f'<rect x="{x0}" y="{MARGIN_T}" width="{PANEL_W}" height="{PANEL_H}" fill="none" stroke="#868e96"/>']
    for t in _ticks(ylo, yhi):
        y = Y(t)
        o.append(f'<line x1="{x0}" x2="{x0 + PANEL_W}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e9ecef"/>')
        o.append(f'<text x="{x0 - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{_fmt(t)}</text>')
    for v in sorted(set(xs)):
        x = X(v)
        o.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{MARGIN_T}" y2="{MARGIN_T + PANEL_H}" stroke="#e9ecef"/>')
        o.append(f'<text x="{x:.1f}" y="{MARGIN_T + PANEL_H + 16}" text-anchor="middle" font-size="11">{_fmt(v)}</text>')
    o.append(f'<text x="{x0 + PANEL_W / 2}" y="{MARGIN_T + PANEL_H + 34}" text-anchor="middle" font-size="12">articles (log)</text>')
    o.append(f'<text transform="translate({x0 - 48},{MARGIN_T + PANEL_H / 2}) rotate(-90)" text-anchor="middle" '
             f'font-size="12">{escape(ylabel)}</text>')
    for name, s in series.items():
        s = sorted(p for p in s if p[0] > 0 and p[1] > 0)
        if not s:
            continue
        c = colors[name]
        o.append(f'<polyline fill="none" stroke="{c}" stroke-width="2" points="' +
                 " ".join(f"{X(a):.1f},{Y(b):.1f}" for a, b in s) + '"/>')
        for a, b in s:
            o.append(f'<circle cx="{X(a):.1f}" cy="{Y(b):.1f}" r="3.5" fill="{c}"><title>{escape(name)}: '
                     f'{a:,.0f} articles, {b:.3g}</title></circle>')
    return o


def svg(run: dict) -> str:
    names = list(run["kliping"])
    colors = {n: KLIPING_COLORS[i % len(KLIPING_COLORS)] for i, n in enumerate(names)}
    colors.update(COLORS)
    systems = names + [s for s in ("fts5", "datasette") if any(s in x["latency"] for x in run["sizes"])]
    build = {s: [(x["articles_n"], x["builds"][s]["seconds"]) for x in run["sizes"]
                 if s in x["builds"] and "seconds" in x["builds"][s]] for s in systems if s != "datasette"}
    # Cold p95 (each request's first arrival, no response cache): how the uncached cost grows.
    p95 = {s: [(x["articles_n"], x["cold"][s]["p95"]) for x in run["sizes"] if x.get("cold", {}).get(s)]
           for s in systems}
    o = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
         'font-family="sans-serif" font-size="13">',
         f'<rect width="{W}" height="{H}" fill="white"/>']
    o += panel(MARGIN_L, "Build wall time (s)", build, "seconds (log)", colors)
    o += panel(MARGIN_L + PANEL_W + 100, "/api/search p95, cold (ms)", p95, "ms (log)", colors)
    lx = MARGIN_L
    for s in systems:
        label = {"fts5": "SQLite FTS5 reference", "datasette": "Datasette"}.get(s, f"Kliping ({s})" if len(names) > 1 else "Kliping")
        o.append(f'<rect x="{lx}" y="{H - 22}" width="14" height="4" fill="{colors[s]}"/>')
        o.append(f'<text x="{lx + 20}" y="{H - 16}" font-size="12">{escape(label)}</text>')
        lx += 40 + 7 * len(label)
    o.append(f'<text x="{W - 10}" y="{H - 16}" text-anchor="end" font-size="10" fill="#868e96">'
             f'{escape(run["machine"]["date"])}, one run</text>')
    o.append("</svg>")
    return "\n".join(o) + "\n"


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "out" / "results.json"
    sys.stdout.write(svg(json.loads(path.read_text())))
