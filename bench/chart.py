"""The cold-init and payload comparison as an SVG bar chart (no plotting library: a few rectangles)."""

import html
import os
from typing import Any

WIDTH, BAR, GAP, LEFT = 760, 22, 8, 250
COLOURS = {"seed": "#9e9e9e", "onnx": "#2e7d32", "sklearn": "#1565c0", "text": "#6a1b9a"}


def _panel(title: str, unit: str, rows: list[tuple[str, float, str]], y: int) -> tuple[list[str], int]:
    top = max(v for _, v, _ in rows) or 1
    parts = [f'<text x="10" y="{y + 16}" font-weight="bold">{html.escape(title)}</text>']
    y += 28
    for label, value, colour in rows:
        width = (WIDTH - LEFT - 110) * value / top
        parts.append(f'<text x="{LEFT - 8}" y="{y + BAR - 6}" text-anchor="end">{html.escape(label)}</text>')
        parts.append(f'<rect x="{LEFT}" y="{y}" width="{width:.1f}" height="{BAR}" fill="{colour}"/>')
        parts.append(f'<text x="{LEFT + width + 6:.1f}" y="{y + BAR - 6}">{value:.0f} {unit}</text>')
        y += BAR + GAP
    return parts, y + 14


def render(results: dict[str, Any]) -> str:
    p1, p3 = results["P1"], results["P3"]
    cold = [("seed design (local pickle, pandas)", p1["seed"]["median_s"] * 1000, COLOURS["seed"])]
    for key, row in sorted(p1["ours"].items(), key=lambda kv: kv[1]["median_s"]):
        runtime, delivery = key.split(".")
        where = "model from S3, verified" if delivery == "s3" else "model in the image, verified"
        cold.append((f"{runtime}, {where}", row["median_s"] * 1000, COLOURS[runtime]))
    payload = [("seed design", p3["seed_bytes"] / 1e6, COLOURS["seed"])]
    payload += [(f"{r} image target", b / 1e6, COLOURS[r]) for r, b in sorted(p3["ours_bytes"].items())]
    parts, y = _panel(f"P1 cold init, fresh process to ready (median of {p1['runs']})", "ms", cold, 0)
    more, y = _panel("P3 installed dependencies after pruning", "MB", payload, y)
    parts += more
    containers = results.get("containers")
    if containers:
        rows = [("article's image", containers["seed"]["cold_start_s"] * 1000, COLOURS["seed"])]
        rows += [(f"{r} image, model from S3", v["cold_start_s"] * 1000, COLOURS[r])
                 for r, v in sorted(containers["ours"].items())]  # fmt: skip
        more, y = _panel("P1c container cold start, docker run to first answer", "ms", rows, y)
        parts += more
    parts.append(f'<text x="10" y="{y + 4}" fill="#555">{html.escape(results["machine"])}; npm run bench</text>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{y + 16}" '
        'font-family="sans-serif" font-size="13">\n<rect width="100%" height="100%" fill="white"/>\n'
        + "\n".join(parts)
        + "\n</svg>\n"
    )


def write(results: dict[str, Any], path: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(render(results))
