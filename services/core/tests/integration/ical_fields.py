#!/usr/bin/python3
"""Reads an iCalendar feed on stdin with Python's icalendar parser and prints what it
found as JSON, for the calendar feed tests to check field by field:
  {"version", "prodid", "name",
   "timezones": [{"tzid", "observances": [{"kind", "dtstart", "from", "to", "name"}]}],
   "events": [{"uid", "sequence", "status", "summary", "description", "dtstamp",
               "start", "end", "start_tzid"}]}
Times are epoch seconds ("start", "end", "dtstamp"); an observance's DTSTART is its
local reading, YYYYMMDDTHHMMSS.  A feed the parser refuses exits non-zero."""
import json
import sys

import icalendar


def epoch(prop):
    value = prop.dt
    if value.tzinfo is None:
        raise ValueError("a floating time: %r" % value)
    return int(value.timestamp())


def offset(prop):
    total = int(prop.td.total_seconds())
    sign = "-" if total < 0 else "+"
    total = abs(total)
    return "%s%02d%02d" % (sign, total // 3600, total % 3600 // 60)


def main():
    calendar = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
    out = {
        "version": str(calendar.get("VERSION")),
        "prodid": str(calendar.get("PRODID")),
        "name": str(calendar.get("X-WR-CALNAME")),
        "timezones": [],
        "events": [],
    }
    for component in calendar.walk():
        if component.name == "VTIMEZONE":
            observances = []
            for sub in component.subcomponents:
                observances.append({
                    "kind": sub.name,
                    "dtstart": sub.decoded("DTSTART").strftime("%Y%m%dT%H%M%S"),
                    "from": offset(sub["TZOFFSETFROM"]),
                    "to": offset(sub["TZOFFSETTO"]),
                    "name": str(sub.get("TZNAME", "")),
                })
            out["timezones"].append({"tzid": str(component["TZID"]), "observances": observances})
        elif component.name == "VEVENT":
            start = component["DTSTART"]
            out["events"].append({
                "uid": str(component["UID"]),
                "sequence": int(component["SEQUENCE"]),
                "status": str(component["STATUS"]),
                "summary": str(component["SUMMARY"]),
                "description": str(component["DESCRIPTION"]),
                "dtstamp": epoch(component["DTSTAMP"]),
                "start": epoch(start),
                "end": epoch(component["DTEND"]),
                "start_tzid": str(start.params.get("TZID", "")),
            })
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
