#!/usr/bin/env python3
"""Prints "CASES FAILURES" summed over JUnit XML files (swift test --xunit-output)."""
import sys
import xml.etree.ElementTree as ET

cases = failures = 0
for path in sys.argv[1:]:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as error:
        print(f"count-xunit: {path}: {error}", file=sys.stderr)
        failures += 1
        continue
    for case in root.iter("testcase"):
        if case.find("skipped") is not None:
            continue
        cases += 1
        if case.find("failure") is not None or case.find("error") is not None:
            failures += 1
print(cases, failures)
