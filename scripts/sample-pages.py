#!/usr/bin/env python3
"""Picks the pages of a built site to check: every kind of page at least once.

    scripts/sample-pages.py SITE_DIR [MAX_PER_KIND] [ALL_UP_TO]

Prints output-relative paths of .html files, one a line. A site of up to
ALL_UP_TO pages (default 600) is listed in full; a bigger one gives, for each
kind of page (home, paged home, article, each archive level, each taxonomy
index, term pages at each depth, paged lists, search, 404), its first page and
up to MAX_PER_KIND - 1 (default 5) more chosen at random with a fixed seed, so
every run checks the same pages. A summary per kind goes to stderr.
"""
import os
import random
import sys


def kind(rel):
    parts = rel.split('/')[:-1]  # directories only
    paged = len(parts) >= 2 and parts[-2] == 'page' and parts[-1].isdigit()
    if paged:
        parts = parts[:-2]
    suffix = ' paged' if paged else ''
    if rel == '404.html':
        return '404'
    if not parts:
        return 'home' + suffix
    top = parts[0]
    if top == 'archives':
        levels = ['archives', 'year', 'month', 'day']
        return 'archive ' + levels[min(len(parts) - 1, 3)] + suffix
    if top in ('categories', 'tags', 'authors'):
        depth = ' index' if len(parts) == 1 else ' term depth %d' % min(len(parts) - 1, 3)
        return top + depth + suffix
    if top == 'search':
        return 'search'
    return 'article' + suffix


def main():
    root = sys.argv[1]
    per_kind = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    all_up_to = int(sys.argv[3]) if len(sys.argv) > 3 else 600
    pages = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith('.'))
        for name in sorted(filenames):
            if name.endswith('.html') and not name.startswith('.'):
                pages.append(os.path.relpath(os.path.join(dirpath, name), root).replace(os.sep, '/'))
    by_kind = {}
    for rel in pages:
        by_kind.setdefault(kind(rel), []).append(rel)
    for name, rels in sorted(by_kind.items()):
        if len(pages) > all_up_to and len(rels) > per_kind:
            rels = [rels[0]] + random.Random(name).sample(rels[1:], per_kind - 1)
        print('  %-28s %d of %d' % (name, len(rels), len(by_kind[name])), file=sys.stderr)
        for rel in rels:
            print(rel)


if __name__ == '__main__':
    main()
