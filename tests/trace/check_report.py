#!/usr/bin/env python3
"""Check `kheap trace compare -o REPORT.html`: one self-contained page with
the table and its SVG plots, each plot with one line per option set (but
for a set with no value in that plot, SLOB's slab utilisation, which its
legend marks "(n/a)").
usage: check_report.py REPORT.html LABEL [LABEL...]"""
import re
import sys
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def main():
    path, labels = sys.argv[1], sys.argv[2:]
    html = open(path, encoding="utf-8").read()
    if not html.startswith("<!DOCTYPE html>"):
        fail("not an HTML5 document")
    if re.search(r"<script|<link|<img|@import|url\(", html, re.I):
        fail("the page needs something beside itself")
    if re.search(r"(src|href)=\"https?:", html):
        fail("the page loads from the network")
    table = re.search(r'<table class="figures">(.*?)</table>', html, re.S)
    if not table:
        fail("no table of figures")
    heads = re.findall(r"<th>(.*?)</th>", table.group(1))[1:]
    if heads != labels:
        fail("table columns %r, wanted %r" % (heads, labels))
    rows = re.findall(r"<tr><td>", table.group(1))
    if len(rows) < 10:
        fail("only %d rows of figures" % len(rows))
    svgs = re.findall(r"<svg .*?</svg>", html, re.S)
    if len(svgs) < 7:
        fail("%d plots; wanted memory, RSS, fragmentation, utilisation, "
             "unusable_index and per-cache plots" % len(svgs))
    titles = []
    for text in svgs:
        svg = ET.fromstring(text)
        title = svg.get("data-title")
        titles.append(title)
        w, h = float(svg.get("width")), float(svg.get("height"))
        lines = svg.findall(SVG + "polyline")
        got = [p.get("data-label") for p in lines]
        legend = [t.text for t in svg.iter(SVG + "text")]
        # a set with no value here (SLOB's slab utilisation) has no line,
        # and says so in the legend
        unknown = [lb for lb in labels if lb + " (n/a)" in legend]
        if unknown and "utilisation" not in title:
            fail("plot %r: %r not known" % (title, unknown))
        want = [lb for lb in labels if lb not in unknown]
        if got != want:
            fail("plot %r: lines %r, wanted %r" % (title, got, want))
        for p in lines:
            pts = [tuple(map(float, xy.split(",")))
                   for xy in p.get("points").split()]
            if len(pts) < 2:
                fail("plot %r: line %r has %d points" %
                     (title, p.get("data-label"), len(pts)))
            for x, y in pts:
                if not (0 <= x <= w and 0 <= y <= h):
                    fail("plot %r: point (%g, %g) outside %gx%g" %
                         (title, x, y, w, h))
            xs = [x for x, _ in pts]
            if xs != sorted(xs):
                fail("plot %r: time goes backwards" % title)
        for label in labels:
            if label not in legend and label + " (n/a)" not in legend:
                fail("plot %r: no legend for %r" % (title, label))
        if not any(t == "trace time (s)" for t in legend):
            fail("plot %r: no time axis" % title)
    for want in ("Memory in use", "Resident set", "Internal fragmentation",
                 "Slab utilisation", "unusable_index, order 3",
                 "unusable_index, order 9", "Slab memory of cache"):
        if not any(want in t for t in titles):
            fail("no plot of %r" % want)
    print("report: %d plots, %d figures, lines for %s" %
          (len(svgs), len(rows), ", ".join(labels)))


main()
