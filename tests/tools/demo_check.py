#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""demo_check.py - `kheap demo` tells the truth: every figure in its
narration equals what the views printed beside it show, and the counts
move the way the text says.

usage: demo_check.py KHEAP

Runs the demo on the default options, then the slab chapter with
kheap.sheaves=0 (the story changes with the options) and with
slab_min_objects=64 (--cmdline is honoured: the order follows), then the
demo under slab_allocator=slab (SLAB's chapter 2, against slabinfo and
the slab_arrays view) and =slob (SLOB's, against slob_pages), and checks
each run.  The demo's output shape (tools/demo.c): a view after
"-- NAME --" up to a blank line, narration paragraphs between blank lines.
"""
import re
import subprocess
import sys

KHEAP = sys.argv[1]
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg, file=sys.stderr)


def check(cond, msg):
    if not cond:
        fail(msg)


def run(*args):
    r = subprocess.run([KHEAP, *args], capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        fail("kheap %s exited %d: %s" % (" ".join(args), r.returncode, r.stderr[-500:]))
    return r.stdout


def blocks(text):
    """The output as a list of ("view", name, lines) and ("say", paragraph)."""
    out = []
    for chunk in re.split(r"\n\s*\n", text):
        lines = chunk.strip("\n").split("\n")
        if not lines or not lines[0]:
            continue
        m = re.match(r"^-- (.*) --$", lines[0])
        if m:
            out.append(("view", m.group(1), lines[1:]))
        elif lines[0].startswith("  "):
            out.append(("call", "\n".join(lines)))
        else:
            out.append(("say", " ".join(l.strip() for l in lines)))
    return out


def fields(lines):
    d = {}
    for l in lines:
        for tok in l.split():
            k, _, v = tok.partition("=")
            d[k] = int(v)
    return d


def buddy(lines):
    z = {}
    for l in lines:
        m = re.match(r"Node 0, zone\s+(\S+)\s+(.*)$", l)
        if m:
            z[m.group(1)] = [int(x) for x in m.group(2).split()]
    return z


def diff_words(a, b):
    parts = ["order %d %+d" % (o, b[o] - a[o]) for o in range(11) if b[o] != a[o]]
    return ", ".join(parts) if parts else "no change"


def pages(counts):
    return sum(n << o for o, n in enumerate(counts))


def num(pattern, text, what):
    m = re.search(pattern, text)
    if not m:
        fail("narration lacks %s: /%s/ in: %s" % (what, pattern, text[:300]))
        return None
    return m


# ---- chapter 1 -------------------------------------------------------------

def check_buddy(bl):
    views = [b for b in bl if b[0] == "view"]
    says = [b[1] for b in bl if b[0] == "say"]
    bis = [buddy(v[2]) for v in views if v[1] == "buddyinfo"]
    check(len(bis) == 4, "chapter 1 prints buddyinfo 4 times, not %d" % len(bis))
    if len(bis) < 4:
        return
    text = " ".join(says)
    m = num(r"brought (\d+) of zone (\S+)'s (\d+) pages online \(zoneinfo: spanned (\d+), "
            r"nr_zone_offline (\d+)\); (\d+) of them are free, in the (\d+) blocks", text, "online pages")
    if not m:
        return
    online, zone, spanned, sp2, offline, free, nblocks = m.groups()
    zi = [v for v in views if v[1].startswith("zoneinfo: zone %s, lines spanned" % zone)][0][2]
    zd = {l.split()[0]: int(l.split()[1]) for l in zi[1:]}
    check(int(spanned) == zd["spanned"] == int(sp2), "spanned %s vs zoneinfo %d" % (spanned, zd["spanned"]))
    check(int(offline) == zd["nr_zone_offline"], "nr_zone_offline %s vs %d" % (offline, zd["nr_zone_offline"]))
    check(int(online) == zd["spanned"] - zd["nr_zone_offline"], "online %s" % online)
    check(int(free) == pages(bis[0][zone]) == zd["nr_free_pages"],
          "free pages %s vs buddyinfo %d, nr_free_pages %d" % (free, pages(bis[0][zone]), zd["nr_free_pages"]))
    check(int(nblocks) == sum(bis[0][zone]), "free blocks %s vs %d" % (nblocks, sum(bis[0][zone])))

    m = num(r"\(CPU (\d+)\)[,.]? (?:Its list held|which held) (\d+) pages and now holds (\d+)", text, "pcp counts")
    if m:
        cpu, before, after = (int(x) for x in m.groups())
        pv = [v for v in views if v[1].startswith("zoneinfo: zone %s, lines cpu and count" % zone)][0][2]
        counts, cur = {}, None
        for l in pv:
            mm = re.match(r"\s*cpu: (\d+)", l)
            if mm:
                cur = int(mm.group(1))
            mm = re.match(r"\s*count:\s+(\d+)", l)
            if mm and cur is not None:
                counts[cur] = int(mm.group(1))
        check(counts.get(cpu) == after, "pcp count of CPU %d: text %d, zoneinfo %s" % (cpu, after, counts.get(cpu)))
        if "did not have to give it a batch" in text:
            check(after == before - 1, "no batch claimed but %d -> %d" % (before, after))
    m = num(r"Zone %s's free blocks(?: changed)?: ([^.]*)\." % zone, says[2] if len(says) > 2 else "", "order-0 change")
    d = diff_words(bis[0][zone], bis[1][zone])
    check(m and m.group(1) == d, "order-0 step: text '%s', views '%s'" % (m and m.group(1), d))
    step3 = [s for s in says if s.startswith("An order-3 block")]
    m = num(r"Zone %s's free blocks changed: ([^.]*)\." % zone, step3[0] if step3 else "", "order-3/9 change")
    d = diff_words(bis[1][zone], bis[2][zone])
    check(m and m.group(1) == d, "order-3/9 step: text '%s', views '%s'" % (m and m.group(1), d))
    step4 = [s for s in says if s.startswith("Freed again")]
    m = num(r"zone %s: (.*) \((\d+) free pages then, (\d+) now\)" % zone, step4[0] if step4 else "", "after free")
    if m:
        d = diff_words(bis[0][zone], bis[3][zone])
        check(m.group(1) == d, "after the frees: text '%s', views '%s'" % (m.group(1), d))
        check(int(m.group(2)) == pages(bis[0][zone]) and int(m.group(3)) == pages(bis[3][zone]),
              "free pages then/now %s/%s" % (m.group(2), m.group(3)))
    pt = [v for v in views if v[1].startswith("pagetypeinfo")][0][2]
    m = num(r"zone %s now has (\d+) Unmovable and (\d+) Movable pageblocks" % zone, text, "pageblocks")
    if m:
        line = [l for l in pt if re.match(r"Node 0, zone\s+%s\s+\d" % zone, l)]
        check(line and [int(x) for x in line[0].split()[4:6]] == [int(m.group(1)), int(m.group(2))],
              "pageblocks %s vs %s" % (m.groups(), line))
    wm = [v for v in views if v[1].startswith("zoneinfo: zone %s, lines min, low, high" % zone)][0][2]
    wd = {l.split()[0]: int(l.split()[1]) for l in wm[1:]}
    m = num(r"high watermark is (\d+) pages for the (\d+) pages online now", text, "watermark")
    if m:
        check(int(m.group(1)) == wd["high"], "high %s vs %d" % (m.group(1), wd["high"]))
        check(int(m.group(2)) == wd["managed"], "online %s vs managed %d" % (m.group(2), wd["managed"]))
        check(wd["min"] < wd["low"] < wd["high"], "watermarks not ordered: %s" % wd)


# ---- chapter 2 -------------------------------------------------------------

STATE = (r"(\S+): (\d+) slabs \((\d+) CPU slab, (\d+) on the CPU partial list, (\d+) on the node "
         r"partial list, (\d+) full\), (\d+) objects\. The demo holds (\d+); (\d+) are free but wait on "
         r"this CPU \(CPU freelist (\d+), CPU slab's own freelist (\d+), CPU partial slabs (\d+), "
         r"sheaves (\d+), barn (\d+) full sheaves\), so slabinfo's active_objs is (\d+) = (\d+) \+ (\d+)\.")


def check_slab(bl, sheaves):
    geo = {}
    held_said = None
    prev = {}
    shrink = {}
    states = 0
    for i, b in enumerate(bl):
        if b[0] == "view" and b[1].startswith("kernel/slab, ") and "object_size=" in " ".join(b[2]):
            geo[b[1][13:]] = fields(b[2])
        if b[0] == "call":
            m = re.search(r"kmem_cache_shrink\((\S+)\) = (\d+)", b[1])
            if m:
                shrink[m.group(1)] = int(m.group(2))
        if b[0] != "say":
            continue
        t = b[1]
        m = re.search(r"\((\d+) held\)|\(none held\)", t)
        if m:
            held_said = int(m.group(1)) if m.group(1) else 0
        m = re.search(r"Geometry: 200-byte objects at a stride of (\d+) bytes \(slab_size: SLAB_HWCACHE_ALIGN "
                      r"aligns them to (\d+)\), (\d+) per slab of order (\d+) \((\d+) pages\), leaving (\d+) bytes", t)
        if m:
            g = geo["demo_obj"]
            stride, align, per, order, npages, unused = (int(x) for x in m.groups())
            check((stride, align, per, order) == (g["slab_size"], g["align"], g["objs_per_slab"], g["order"]),
                  "geometry %s vs %s" % (m.groups(), g))
            check(npages == 1 << order and unused == (4096 << order) - per * stride, "pages/unused %s" % (m.groups(),))
            check(re.search(r"min_partial, the empty slabs the node keeps, is %d\." % g["min_partial"], t),
                  "min_partial in the geometry")
        m = re.match(STATE, t)
        if m:
            states += 1
            v = [int(x) for x in m.groups()[1:]]
            cache = m.group(1)
            slabs, cpu, cpup, part, full, total, held, wait, cf, csf, cpf, sh, barn, act, h2, w2 = v
            # the views printed just before: slabinfo line, then the fields
            si = [x for x in bl[max(0, i - 3):i] if x[0] == "view" and x[1].startswith("slabinfo")]
            kf = [x for x in bl[max(0, i - 3):i] if x[0] == "view" and x[1] == "kernel/slab, %s" % cache]
            check(si and kf, "state of %s without its views" % cache)
            if not (si and kf):
                continue
            f = fields(kf[-1][2])
            sl = si[-1][2][0].split()
            check(int(sl[1]) == act == f["objects"], "%s active_objs: slabinfo %s, text %d, view %d" % (cache, sl[1], act, f["objects"]))
            check(int(sl[2]) == total == f["total_objects"], "%s num_objs %s/%d" % (cache, sl[2], total))
            check(int(sl[14]) == slabs == f["slabs"], "%s num_slabs %s/%d" % (cache, sl[14], slabs))
            check((cpu, cpup, part) == (f["cpu_slab"], f["slabs_cpu_partial"], f["partial"]), "%s slab places" % cache)
            check(full == slabs - cpu - cpup - part and full >= 0, "%s full slabs %d" % (cache, full))
            check((cf, csf, cpf, sh, barn) == (f["cpu_freelist"], f["cpu_slab_free"], f["cpu_partial_free"],
                                               f["sheaf_objects"], f["barn_full"]), "%s waiting objects" % cache)
            cap = geo.get(cache, {}).get("sheaf_capacity", 0)
            check(wait == w2 == cf + csf + cpf + sh + barn * cap, "%s waiting sum %d" % (cache, wait))
            check(act == held + wait and held == h2, "%s: %d != %d + %d" % (cache, act, held, wait))
            if held_said is not None:
                check(held == held_said, "%s: the demo holds %d, the step said %d" % (cache, held, held_said))
            if not sheaves:
                check(sh == 0 and barn == 0, "%s has sheaves with kheap.sheaves=0" % cache)
            prev.setdefault(cache, []).append(f)
        m = re.search(r"handed out one of its objects; (\d+) more are on the CPU freelist", t)
        if m:
            check(int(m.group(1)) == prev["demo_obj"][-1]["cpu_freelist"], "first allocation sentence")
            m2 = re.search(r"they hold (\d+) objects now", t)
            check(not m2 or int(m2.group(1)) == prev["demo_obj"][-1]["sheaf_objects"], "sheaves after the first allocation")
        m = re.search(r"Here (\d+) objects wait in this CPU's two sheaves and (\d+) full sheaves \((\d+) objects\)", t)
        if m:
            f = prev["demo_obj"][-1]
            a, b2, c = (int(x) for x in m.groups())
            check(a == f["sheaf_objects"] and b2 == f["barn_full"] and c == b2 * geo["demo_obj"]["sheaf_capacity"],
                  "sheaves/barn sentence %s vs %s" % (m.groups(), f))
        for m in re.finditer(r"(\d+) slabs became empty while the node already held min_partial \((\d+)\) partial "
                             r"slabs and went back to the buddy allocator \((\d+) slabs before, (\d+) now\)", t):
            n, mp, before, now = (int(x) for x in m.groups())
            hist = prev["demo_obj"]
            check(len(hist) >= 2 and hist[-2]["slabs"] == before and hist[-1]["slabs"] == now and n == before - now,
                  "slabs freed sentence %s" % (m.groups(),))
            check(mp == hist[-1]["min_partial"], "min_partial %d" % mp)
        m = re.search(r"(\d+) slabs with free objects wait on this CPU's partial list", t)
        if m:
            check(int(m.group(1)) == prev["demo_obj"][-1]["slabs_cpu_partial"], "CPU partial sentence")
        m = re.search(r"(\d+) slabs are on the node partial list", t)
        if m:
            check(int(m.group(1)) == prev["demo_obj"][-1]["partial"], "node partial sentence")
        m = re.search(r"frees every empty slab: slabs (\d+) before, (\d+) after\. It returned (\d+)", t)
        if m:
            before, after, ret = (int(x) for x in m.groups())
            hist = prev["demo_obj"]
            check(hist[-2]["slabs"] == before and hist[-1]["slabs"] == after, "shrink slabs %s" % (m.groups(),))
            check(ret == shrink.get("demo_obj") and (ret == 0) == (after == 0), "shrink returned %d" % ret)
        m = re.search(r"node partial list: (\d+) partial slabs of (\d+)\.", t)
        if m:
            f = prev["demo_dbg"][-1]
            check((int(m.group(1)), int(m.group(2))) == (f["partial"], f["slabs"]), "debug partial sentence")
        m = re.search(r"min_partial \((\d+)\) partial slabs, and goes back to the buddy allocator otherwise: (\d+) "
                      r"slabs before, (\d+) left, (\d+) of them on the node partial list with (\d+) objects in use", t)
        if m:
            mp, before, left, part, used = (int(x) for x in m.groups())
            hist = prev["demo_dbg"]
            check(hist[-2]["slabs"] == before and hist[-1]["slabs"] == left and hist[-1]["partial"] == part
                  and hist[-1]["objects"] == used, "debug free sentence %s" % (m.groups(),))
            check(left == mp == part and used == 0, "min_partial empty slabs kept: %s" % (m.groups(),))
        m = re.search(r"frees the empty slabs min_partial kept: (\d+) before, (\d+) after; it returned (\d+)", t)
        if m:
            before, after, ret = (int(x) for x in m.groups())
            kf = [x for x in bl[max(0, i - 2):i] if x[0] == "view" and x[1] == "kernel/slab, demo_dbg"]
            check(kf and fields(kf[-1][2])["slabs"] == after and prev["demo_dbg"][-1]["slabs"] == before,
                  "debug shrink sentence %s" % (m.groups(),))
            check(ret == shrink.get("demo_dbg") and (ret == 0) == (after == 0), "debug shrink returned %d" % ret)
    check(states >= 8, "only %d slab states narrated" % states)
    check_slot_order(bl, geo.get("demo_obj", {}))
    return geo


def rotations(a):
    return [a[r:] + a[:r] for r in range(len(a))]


def check_slot_order(bl, g):
    """The order the first slabs handed out their objects: the slot lines
    are permutations of the slab's slots, and the sentence after them says
    what they show (same order, address order, one cycle entered at N
    places) and what slab_freelist_random, printed beside them, is."""
    calls = [i for i, b in enumerate(bl) if b[0] == "call" and "handed out their objects (slot" in b[1]]
    check(len(calls) == 1, "the slot order is shown %d times" % len(calls))
    if not calls:
        return
    i = calls[0]
    seqs = [[int(x) for x in m.group(1).split()]
            for m in re.finditer(r"slab \d+ at 0x[0-9a-f]+: ([\d ]+)", bl[i][1])]
    per = g.get("objs_per_slab", 0)
    check(len(seqs) >= 2 and all(sorted(q) == list(range(per)) for q in seqs),
          "slot lines are not permutations of %d slots: %s" % (per, seqs))
    view = [b for b in bl[i + 1:i + 3] if b[0] == "view" and b[1] == "config: slab_freelist_random"]
    says = [b[1] for b in bl[i + 1:i + 4] if b[0] == "say"]
    check(view and says, "no option view or sentence after the slot order")
    if not (view and says and seqs):
        return
    t, opt = says[0], view[0][2][0]
    same = all(q == seqs[0] for q in seqs)
    rot = all(q in rotations(seqs[0]) for q in seqs)
    distinct = len(set(tuple(q) for q in seqs))
    if same and seqs[0] == sorted(seqs[0]):
        check(t.startswith("Each slab handed out its objects in address order, slot 0 first."), "address order: %s" % t)
    elif same:
        check(t.startswith("Every slab handed out its objects in the same order."), "same order: %s" % t)
    elif rot:
        where = ("a different place in each slab" if distinct == len(seqs)
                 else "%d different places in the %d slabs" % (distinct, len(seqs)))
        check(t.startswith("The orders differ from slab to slab only in where they start: one cycle through "
                           "the slots, entered at %s." % where), "rotations: %s" % t)
    else:
        check(t.startswith("The orders differ from slab to slab."), "different orders: %s" % t)
    check(opt in ("slab_freelist_random=1", "slab_freelist_random=0") and re.search(r" %s[ :]" % opt, t),
          "option %s not told: %s" % (opt, t))
    if opt.endswith("=0"):
        check(same, "slab_freelist_random=0 but the slabs' orders differ: %s" % seqs)
    elif per > 2:
        check(not same or distinct < len(seqs), "slab_freelist_random=1 yet one order: %s" % seqs)


# ---- chapter 3 -------------------------------------------------------------

def check_vmalloc(bl, text):
    pfns = [int(x, 16) for x in re.findall(r"page \d+ at 0x[0-9a-f]+ -> pfn (0x[0-9a-f]+)", text)]
    check(len(pfns) == 6, "6 vmalloc pages, got %d" % len(pfns))
    says = " ".join(b[1] for b in bl if b[0] == "say")
    m = num(r"The (\d+) pages are contiguous at the vmalloc address; their frames are not: (\d+) of the (\d+) frames "
            r"after the first do not follow the one before", says, "scattered frames")
    if m:
        n, scattered, rest = (int(x) for x in m.groups())
        real = sum(1 for i in range(1, len(pfns)) if pfns[i] != pfns[i - 1] + 1)
        check(n == len(pfns) and rest == n - 1 and scattered == real, "scattered %s vs %d" % (m.groups(), real))
    used = [int(re.search(r"VmallocUsed:\s+(\d+)", "\n".join(v[2])).group(1))
            for v in bl if v[0] == "view" and v[1].startswith("meminfo")]
    m = num(r"VmallocUsed went from (\d+) kB to (\d+) kB", says, "VmallocUsed")
    if m and used:
        check(int(m.group(2)) == used[0] and int(m.group(2)) - int(m.group(1)) == 6 * 4, "VmallocUsed %s" % (m.groups(),))
    m = num(r"vmallocinfo's size, (\d+) bytes, is the (\d+) pages and the guard page", says, "guard page")
    vi = [v for v in bl if v[0] == "view" and v[1] == "vmallocinfo"]
    if m and vi:
        line = [l for l in vi[0][2] if "demo_vmalloc" in l]
        check(line and int(line[0].split()[1]) == int(m.group(1)) == (int(m.group(2)) + 1) * 4096,
              "vmallocinfo size %s vs %s" % (m.group(1), line))
    m = num(r"gives the frames back at once \(VmallocUsed: (\d+) kB\)", says, "VmallocUsed after vfree")
    if m and len(used) > 1:
        check(int(m.group(1)) == used[1] == used[0] - 24, "after vfree %s vs %s" % (m.group(1), used))
    check(len(vi) > 1 and any("unpurged vm_area" in l for l in vi[1][2]), "no unpurged vm_area after vfree")


def slab_arrays_states(bl):
    """Each step of the SLAB chapter: (slabinfo fields, slab_arrays fields)."""
    out = []
    info = None
    for b in bl:
        if b[0] == "view" and b[1].startswith("slabinfo: lines demo_obj"):
            f = b[2][0].split()
            info = {"active_objs": int(f[1]), "num_objs": int(f[2]), "objsize": int(f[3]),
                    "objperslab": int(f[4]), "limit": int(f[8]), "batchcount": int(f[9]),
                    "sharedfactor": int(f[10]), "active_slabs": int(f[13]),
                    "num_slabs": int(f[14]), "sharedavail": int(f[15])}
        elif b[0] == "view" and b[1] == "slab_arrays, demo_obj":
            out.append((info, fields(b[2])))
    return out


def check_slab_slab(bl):
    """SLAB's chapter 2: the narrated figures against slabinfo and slab_arrays."""
    st = slab_arrays_states(bl)
    check(len(st) == 6, "SLAB chapter: 6 states, got %d" % len(st))
    if len(st) != 6:
        return
    # kheap's CPUs, as free_limit = (1 + CPUs) x batchcount + num counts them
    i0, a0 = st[0]
    cpus = (a0["free_limit"] - i0["objperslab"]) // i0["batchcount"] - 1
    check(cpus >= 1 and (a0["free_limit"] - i0["objperslab"]) % i0["batchcount"] == 0,
          "free_limit %d is not (1 + CPUs) x %d + %d" % (a0["free_limit"], i0["batchcount"], i0["objperslab"]))
    check((cpus > 1) == (i0["sharedfactor"] > 0), "a shared array with %d CPUs: %d" % (cpus, i0["sharedfactor"]))
    says = [b[1] for b in bl if b[0] == "say"]
    text = " ".join(says)
    cpu = [k for k in st[0][1] if k.endswith("_avail") and k.startswith("cpu")][0]
    avail = lambda a: a[cpu]
    info0 = st[0][0]
    m = num(r"at a stride of (\d+) bytes \(SLAB_HWCACHE_ALIGN\), (\d+) per slab of order (\d+)", text, "SLAB geometry")
    if m:
        check(int(m.group(1)) == info0["objsize"] and int(m.group(2)) == info0["objperslab"],
              "SLAB geometry %s vs slabinfo %s" % (m.groups(), info0))
    size = info0["objsize"]
    rule = 1 if size > 131072 else 8 if size > 4096 else 24 if size > 1024 else 54 if size > 256 else 120
    m = num(r"limit (\d+) \((\d+) for objects", text, "SLAB limit")
    if m:
        check(int(m.group(1)) == int(m.group(2)) == rule == info0["limit"],
              "limit %s: enable_cpucache gives %d, slabinfo %d" % (m.groups(), rule, info0["limit"]))
    m = num(r"batchcount \(limit \+ 1\) / 2 = (\d+)", text, "SLAB batchcount")
    if m:
        check(int(m.group(1)) == (rule + 1) // 2 == info0["batchcount"], "batchcount %s" % m.group(1))
    if cpus > 1:
        m = num(r"shared x batchcount = (\d+) x (\d+) = (\d+) entries", text, "shared array size")
        if m:
            check(int(m.group(1)) == info0["sharedfactor"] == 8 and
                  int(m.group(3)) == int(m.group(1)) * int(m.group(2)) == st[0][1]["shared_limit"],
                  "shared array %s vs %s" % (m.groups(), st[0][1]["shared_limit"]))
    # every step: active_objs = held + arrays, and the say_where line agrees
    held = [0, 1, 1000, 500, 0, 0]
    wheres = [p for p in says if "slabinfo counts every object not free in a slab as active" in p]
    check(len(wheres) == 4, "SLAB chapter: 4 accounts of where the objects are, got %d" % len(wheres))
    for i, (info, a) in enumerate(st):
        slabs = a["slabs_full"] + a["slabs_partial"] + a["slabs_free"]
        check(info["num_slabs"] == slabs, "step %d: slabinfo num_slabs %d, lists %d" % (i, info["num_slabs"], slabs))
        check(info["num_objs"] == slabs * info["objperslab"], "step %d: num_objs" % i)
        check(info["active_objs"] == info["num_objs"] - a["free_objects"], "step %d: active_objs" % i)
        check(info["active_objs"] == held[i] + avail(a) + a["shared_avail"],
              "step %d: active_objs %d != held %d + arrays %d + %d" % (i, info["active_objs"], held[i], avail(a), a["shared_avail"]))
        check(info["sharedavail"] == a["shared_avail"], "step %d: sharedavail" % i)
    for w, i in zip(wheres, (1, 2, 3, 4)):
        info, a = st[i]
        m = re.search(r"(\d+) slabs \((\d+) full, (\d+) partial, (\d+) free\) of (\d+) objects: the demo holds (\d+), "
                      r"this CPU's array (\d+), the shared array (\d+), and (\d+) are free in partial or free slabs "
                      r"\(free_objects\)\. .* active_objs (\d+) = (\d+) \+ (\d+) \+ (\d+)\.", w)
        check(m is not None, "step %d: where the objects are: %r" % (i, w[:120]))
        if m:
            v = [int(x) for x in m.groups()]
            want = [info["num_slabs"], a["slabs_full"], a["slabs_partial"], a["slabs_free"], info["num_objs"],
                    held[i], avail(a), a["shared_avail"], a["free_objects"], info["active_objs"], held[i],
                    avail(a), a["shared_avail"]]
            check(v == want, "step %d: narrated %s, views %s" % (i, v, want))
    # the first allocation: a refill of min(batchcount, 16), one handed out
    m = num(r"took (\d+) objects \(batchcount, but at most 16 .* growing the cache by (\d+) slabs? .* left (\d+) in the array", text, "first refill")
    if m:
        took, grew, left = (int(x) for x in m.groups())
        check(took == min(info0["batchcount"], 16) and left == took - 1 == avail(st[1][1]),
              "first refill %s (array %d)" % (m.groups(), avail(st[1][1])))
        check(grew == st[1][0]["num_slabs"] - info0["num_slabs"], "slabs grown %d" % grew)
    # freeing every other object: where the 500 went
    a2, a3 = st[2][1], st[3][1]
    m = re.search(r"No object went back to a slab: the arrays took all (\d+) \(this CPU's array holds (\d+), the shared "
                  r"array (\d+): (\d+) = (\d+) freed \+ (\d+) that were there\)", text)
    if a3["free_objects"] == a2["free_objects"]:
        check(m is not None, "the arrays took every freed object, but the text does not say so")
        if m:
            v = [int(x) for x in m.groups()]
            check(v == [500, avail(a3), a3["shared_avail"], avail(a3) + a3["shared_avail"], 500, avail(a2) + a2["shared_avail"]]
                  and v[3] == v[4] + v[5], "the arrays' 500: %s" % v)
    else:
        check(m is None and "went back to their slabs, which made" in text, "objects went back to slabs at step 3")
    # the rest: objects back in slabs, free_limit
    a4 = st[4][1]
    m = num(r": (\d+) objects went back and (\d+) slabs are partial\. (\d+) slabs are still full", text, "back to slabs")
    if m:
        check([int(x) for x in m.groups()] == [a4["free_objects"] - a3["free_objects"], a4["slabs_partial"], a4["slabs_full"]],
              "back to slabs %s" % (m.groups(),))
    if a4["shared_limit"] and a4["shared_avail"] == a4["shared_limit"]:
        check("so the flushes after it filled sent their objects back to their slabs" in text, "shared full not told")
    m = num(r"free_limit = \(1 \+ CPUs\) x batchcount \+ num = (\d+)", text, "free_limit")
    if m:
        check(int(m.group(1)) == (1 + cpus) * info0["batchcount"] + info0["objperslab"] == a4["free_limit"],
              "free_limit %s vs %d" % (m.group(1), a4["free_limit"]))
    m = num(r"slabs (\d+) before, (\d+) after\. It returned (\d+)", text, "shrink")
    if m:
        check(int(m.group(1)) == st[4][0]["num_slabs"] and int(m.group(2)) == st[5][0]["num_slabs"] == 0
              and int(m.group(3)) == 0, "shrink %s" % (m.groups(),))


def slob_views(bl):
    """Each slob_pages view of the SLOB chapter: (page count, {page: (list, free, blocks)})."""
    out = []
    for b in bl:
        if b[0] == "view" and b[1] == "slob_pages":
            count, pages = None, {}
            for l in b[2]:
                m = re.match(r"slob_pages (\d+)$", l)
                if m:
                    count = int(m.group(1))
                    continue
                m = re.match(r"(free_slob_\w+) (0x[0-9a-f]+) free=(\d+) blocks=([\d+,]+)$", l)
                check(m is not None, "slob_pages line %r" % l)
                if m:
                    blocks = [tuple(int(x) for x in blk.split("+")) for blk in m.group(4).split(",")]
                    check(sum(n for _, n in blocks) == int(m.group(3)), "free= is not its blocks' sum: %r" % l)
                    pages[int(m.group(2), 16)] = (m.group(1), int(m.group(3)), blocks)
            out.append((count, pages))
    return out


def blocks_text(blocks):
    parts = ["%d bytes at %d" % (n, o) for o, n in blocks]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def check_slob(text, bl):
    """SLOB's chapter 2: the blocks and pages narrated against slob_pages."""
    flat = " ".join(text.split())
    v = slob_views(bl)
    check(len(v) == 6, "SLOB chapter: 6 slob_pages views, got %d" % len(v))
    ptrs = dict(re.findall(r"(\w) = kmem_cache_alloc\(demo_blk\) -> (0x[0-9a-f]+)", text))
    check(sorted(ptrs) == ["a", "b", "c", "d"], "SLOB chapter: pointers %s" % ptrs)
    if len(v) != 6 or sorted(ptrs) != ["a", "b", "c", "d"]:
        return
    a, b, c, d = (int(ptrs[k], 16) for k in "abcd")
    page = a & ~4095
    offs = [x - page for x in (a, b, c)]
    m = num(r"a, b and c are at offsets (\d+), (\d+) and (\d+) of page (0x[0-9a-f]+)", flat, "a, b, c")
    if m:
        check([int(x) for x in m.groups()[:3]] == offs and int(m.group(4), 16) == page, "offsets %s vs %s" % (m.groups(), offs))
    if "one after the other" in flat:
        check(offs[1] == offs[0] + 1200 and offs[2] == offs[1] + 1200, "not one after the other: %s" % offs)
    new_page = v[1][0] == v[0][0] + 1 and page not in v[0][1]
    check(("took a new page from the page allocator" in flat) == new_page, "new page told: %s" % new_page)
    for i, phrase in ((1, r"its free list is now (.*?) \(\d+ bytes free, on (free_slob_\w+)\)"),
                      (2, r"stays a block of its own\. The free list: (.*?)\."),
                      (3, r"so d takes b's address\. The free list: (.*?)\."),
                      (4, r"into one block from a's offset to c's\. The free list: (.*?)\.")):
        m = re.search(phrase, flat)
        check(m is not None and page in v[i][1], "SLOB step %d not told: %r" % (i, phrase))
        if m and page in v[i][1]:
            check(m.group(1) == blocks_text(v[i][1][page][2]), "step %d: %r vs view %s" % (i, m.group(1), v[i][1][page]))
    check(d == b, "d did not take b's hole")
    m = num(r"slob_pages (\d+) before, (\d+) now", flat, "page given back")
    if m:
        check(int(m.group(1)) == v[4][0] and int(m.group(2)) == v[5][0] == v[4][0] - 1 and page not in v[5][1],
              "page given back %s, views %s %s" % (m.groups(), v[4][0], v[5][0]))


def chapters(text):
    parts = re.split(r"\n(?===? ?\d\. )", "\n" + text)
    return {int(p.strip()[3]): p for p in parts if re.match(r"\s*== \d\.", p)}


out = run("demo")
ch = chapters(out)
check(sorted(ch) == [1, 2, 3, 4, 5], "chapters %s" % sorted(ch))
check_buddy(blocks(ch.get(1, "")))
geo = check_slab(blocks(ch.get(2, "")), sheaves=True)
check(geo.get("demo_obj", {}).get("sheaf_capacity", 0) > 0, "sheaves on by default")
check_vmalloc(blocks(ch.get(3, "")), ch.get(3, ""))
if "skipped" not in ch.get(4, "skipped"):
    check("Name                   Objects Objsize           Space Slabs/Part/Cpu" in ch[4],
          "the program's slabinfo list is missing")

# chapter 5: the shipped trace's compare table, one column per option set
# named in the narration, each row with its three figures
if "is not here" not in ch.get(5, "is not here"):
    head = [l for l in ch[5].split("\n") if l.lstrip().startswith("(defaults)")]
    check(head and head[0].split() == ["(defaults)", "kheap.sheaves=0", "slab_max_order=0"],
          "chapter 5's table columns: %s" % head)
    for row in ("peak memory in use", "final memory in use", "internal fragmentation at peak",
                "slab utilisation at end", "unusable_index order 9 at end"):
        line = [l for l in ch[5].split("\n") if l.startswith(row)]
        values = line and re.findall(r"\d+\.\d+", re.sub(r"\([\d.]+x\)", "", line[0]))
        check(values and len(values) == 3, "chapter 5's row %r: %s" % (row, line))

# chapters one at a time, and the options given with --cmdline
out = run("--cmdline", "kheap.sheaves=0", "demo", "slab")
ch = chapters(out)
check(sorted(ch) == [2], "`demo slab` ran chapters %s" % sorted(ch))
check("(mem=1G kheap.sheaves=0)" in out, "the options in force are not shown")
check("this cache has no sheaves" in " ".join(out.split()), "kheap.sheaves=0 did not change the story")
check_slab(blocks(ch.get(2, "")), sheaves=False)
check("slab_freelist_random=1 (" in " ".join(ch.get(2, "").split()), "freelist randomisation not on by default")
out = run("--cmdline", "kheap.sheaves=0 slab_freelist_random=0", "demo", "slab")
check("Each slab handed out its objects in address order, slot 0 first." in " ".join(out.split()),
      "without sheaves and randomisation the slabs go in address order")
check_slab(blocks(chapters(out).get(2, "")), sheaves=False)
out = run("--cmdline", "slab_min_objects=64", "demo", "slab")
geo = check_slab(blocks(chapters(out).get(2, "")), sheaves=True)
check(geo.get("demo_obj", {}).get("order") == 2, "slab_min_objects=64 gives order 2: %s" % geo.get("demo_obj"))
# under SLAB: chapter 2 is SLAB's; 4 and 5 (SLUB's) are left out, and said so
out = run("--cmdline", "slab_allocator=slab", "demo")
ch = chapters(out)
check(sorted(ch) == [1, 2, 3], "the demo under SLAB ran chapters %s" % sorted(ch))
check("== 2. The slab allocator (SLAB) ==" in out, "SLAB's chapter 2 is missing")
check("Chapters 4 and 5 read SLUB's" in out, "under SLAB the demo does not say why 4 and 5 are left out")
check_buddy(blocks(ch.get(1, "")))
check_slab_slab(blocks(ch.get(2, "")))
check_vmalloc(blocks(ch.get(3, "")), ch.get(3, ""))
# under SLOB: chapter 2 is SLOB's first-fit heap
out = run("--cmdline", "slab_allocator=slob", "demo")
ch = chapters(out)
check(sorted(ch) == [1, 2, 3], "the demo under SLOB ran chapters %s" % sorted(ch))
check("== 2. The slab allocator (SLOB) ==" in out, "SLOB's chapter 2 is missing")
check_buddy(blocks(ch.get(1, "")))
check_slob(ch.get(2, ""), blocks(ch.get(2, "")))
check_vmalloc(blocks(ch.get(3, "")), ch.get(3, ""))
r = subprocess.run([KHEAP, "demo", "nochapter"], capture_output=True, text=True)
check(r.returncode == 2 and "unknown chapter 'nochapter'" in r.stderr, "a bad chapter: %d" % r.returncode)
r = subprocess.run([KHEAP, "demo", "--step", "buddy"], input="\n" * 20, capture_output=True, text=True)
check(r.returncode == 0 and r.stdout.count("[Enter for the next step]") >= 5, "--step waits between steps")

print("demo_check: %s" % ("FAILED (%d)" % len(failures) if failures else "ok"))
sys.exit(1 if failures else 0)
