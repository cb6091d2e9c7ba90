#!/usr/bin/env python3
"""Regenerates Ported/ and builds the test project until it compiles: each member of a ported class that does not
compile against ZgDb's model and API (EF Core-only APIs: DbContext, EF.Functions, string Include, keyless types...)
goes into tools/excluded.json with the first compiler error as the reason.
Usage (from the repository root): python3 tests/ZgDb.Linq.Tests/Northwind/tools/build_loop.py <efcore git dir>"""
import json, os, re, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))
northwind = os.path.dirname(here)
project = os.path.dirname(northwind)
excluded_path = os.path.join(here, 'excluded.json')
ERROR = re.compile(r'^(.*?Ported/(Northwind(\w+)QueryTestBase)\.g\.cs)\((\d+),\d+\): error (CS\d+): (.*?) \[')
DECL = re.compile(r'^    (?:public|protected|private|internal|static|override|virtual|abstract|readonly|async|const|sealed|class|record)\b')
NAME = re.compile(r'\b(\w+)\s*(?:<[^>]*>)?\s*(?:\(|=|;|\{|$)')

def owner(lines, n):
    for i in range(n - 1, -1, -1):
        if lines[i].startswith('    // member: '):
            return lines[i][len('    // member: '):].split('.', 1)[1]
    return None

while True:
    excluded = json.load(open(excluded_path)) if os.path.exists(excluded_path) else {}
    subprocess.check_call([sys.executable, os.path.join(here, 'port.py'), sys.argv[1], os.path.join(northwind, 'Ported'), excluded_path])
    build = subprocess.run(['dotnet', 'build', project, '-nologo', '-v', 'q', '-clp:NoSummary'], capture_output=True, text=True)
    errors = [ERROR.match(l) for l in build.stdout.splitlines()]
    errors = [e for e in errors if e]
    if build.returncode == 0:
        print('builds;', len(excluded), 'members excluded'); break
    if not errors:
        print(build.stdout[-4000:]); sys.exit(1)
    added = 0
    cache = {}
    for e in errors:
        path, cls = e.group(1), e.group(3)
        lines = cache.setdefault(path, open(path).read().split('\n'))
        member = owner(lines, int(e.group(4)))
        key = f'{cls}.{member}'
        if member and key not in excluded:
            excluded[key] = f'does not compile against ZgDb: {e.group(5)} {e.group(6)}'
            added += 1
    json.dump(dict(sorted(excluded.items())), open(excluded_path, 'w'), indent=1)
    print('excluded', added, 'more')
    if added == 0:
        print(build.stdout[-4000:]); sys.exit(1)
