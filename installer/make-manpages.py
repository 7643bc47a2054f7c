#!/usr/bin/env python3
"""Man pages for `ferry` and each subcommand, written from their --help at build
time so they stay true to it: ferry.1 and ferry-SUBCOMMAND.1 in OUTDIR.

Usage: make-manpages.py FERRY_BINARY OUTDIR
"""
import datetime
import gzip
import os
import re
import subprocess
import sys


def run(args):
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def roff(text):
    """Plain text as roff: backslashes and leading dots/quotes escaped."""
    out = []
    for line in text.rstrip("\n").split("\n"):
        line = line.replace("\\", "\\e").replace("-", "\\-")
        if line.startswith((".", "'")):
            line = "\\&" + line
        out.append(line)
    return "\n".join(out)


def page(name, summary, help_text, version, date, see_also):
    return (
        f'.TH {name.upper()} 1 "{date}" "ferry {version}" "Ferry manual"\n'
        f".SH NAME\n{roff(name)} \\- {roff(summary)}\n"
        f".SH DESCRIPTION\n.nf\n{roff(help_text)}\n.fi\n"
        f".SH SEE ALSO\n{see_also}\n"
    )


def write(path, text):
    """The page, and beside it path.gz as Debian wants it (gzip -9n: no name, no time)."""
    with open(path, "w") as f:
        f.write(text)
    with open(path + ".gz", "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw, mtime=0) as z:
            z.write(text.encode())


def main():
    ferry, outdir = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    version = run([ferry, "--version"]).split()[-1]
    date = datetime.datetime.utcfromtimestamp(int(os.environ.get("SOURCE_DATE_EPOCH", "0")) or
                                              datetime.datetime.utcnow().timestamp()).strftime("%Y-%m-%d")
    top = run([ferry, "--help"])
    subs = []
    in_subs = False
    for line in top.split("\n"):
        if line.startswith("Subcommands:"):
            in_subs = True
            continue
        m = re.match(r"^  (\S+)\s+(.*)$", line) if in_subs else None
        if m:
            subs.append((m.group(1), m.group(2)))
    see = ", ".join(f"\\fBferry\\-{s}\\fR(1)" for s, _ in subs)
    write(os.path.join(outdir, "ferry.1"),
          page("ferry", "migrate a live database between PostgreSQL and MySQL/MariaDB", top, version, date, see))
    for sub, summary in subs:
        text = run([ferry, sub, "--help"])
        write(os.path.join(outdir, f"ferry-{sub}.1"),
              page(f"ferry-{sub}", summary.split(";")[0].split(" (")[0], text, version, date, "\\fBferry\\fR(1)"))
    print(f"make-manpages: ferry.1 and {len(subs)} subcommand pages in {outdir}")


if __name__ == "__main__":
    main()
