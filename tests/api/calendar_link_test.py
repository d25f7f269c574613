#!/usr/bin/env python3
"""A calendar link through the gateway, as a calendar application uses it.

A new customer books a free slot over the JSON API and makes a calendar link; the gateway
(BARBERSHOP_TEST_GATEWAY_HTTP) serves GET /calendar/<token>.ics from a core copy as
text/calendar, which Python's icalendar parser reads back with the booking in it, its
start on the shop's clock.  The gateway reads a feed only with GET, and a link that was
reset answers 404 through it too.
"""
import datetime
import http.client
import json
import os
import sys
import unittest
import urllib.parse
import uuid

import icalendar


def call(address, method, path, body=None, token=None):
    host, port = address.rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    headers = {}
    if body is not None:
        headers["Content-Type"] = "application/json"
        body = json.dumps(body)
    if token:
        headers["Authorization"] = "Bearer " + token
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    content_type = response.getheader("Content-Type", "")
    connection.close()
    return response.status, content_type, data


class CalendarLinkThroughTheGatewayTest(unittest.TestCase):
    def setUp(self):
        self.gateway = os.environ.get("BARBERSHOP_TEST_GATEWAY_HTTP")
        if not self.gateway:
            self.skipTest("no running gateway: BARBERSHOP_TEST_GATEWAY_HTTP is not set")

    def json(self, method, path, body=None, token=None, expect=200):
        status, _, data = call(self.gateway, method, path, body, token)
        self.assertEqual(status, expect, data)
        return json.loads(data)

    def customer(self):
        name = "cal" + uuid.uuid4().hex[:12]
        email = name + "@calendar.test"
        self.json("POST", "/v1/accounts", {"username": name, "email": email, "password": "calendar-password"},
                  expect=201)
        return self.json("POST", "/v1/sessions", {"email": email, "password": "calendar-password"})["token"]

    def book_a_free_slot(self, token):
        barbers = self.json("GET", "/v1/barbers")["barbers"]
        self.assertTrue(barbers, "the stack has no barber")
        day = datetime.date.today()
        for _ in range(60):
            day += datetime.timedelta(days=1)
            for barber in barbers:
                path = "/v1/barbers/%s/slots?date=%s" % (urllib.parse.quote(barber["name"], safe=""), day.isoformat())
                status, _, data = call(self.gateway, "GET", path)
                if status != 200:
                    continue
                for slot in json.loads(data).get("slots", []):
                    status, _, data = call(self.gateway, "POST", "/v1/appointments",
                                           {"barber_name": barber["name"], "date_time": slot}, token)
                    if status == 201:
                        return json.loads(data)
        self.fail("no free slot in the next 60 days")

    def test_the_gateway_serves_the_feed_and_refuses_a_reset_link(self):
        token = self.customer()
        booked = self.book_a_free_slot(token)
        link = self.json("POST", "/v1/profile/calendar-link", token=token, expect=201)["path"]
        self.assertRegex(link, r"^/calendar/[A-Za-z0-9_-]{43}\.ics$")

        status, content_type, data = call(self.gateway, "GET", link)
        self.assertEqual(status, 200, data)
        self.assertEqual(content_type, "text/calendar; charset=utf-8")
        calendar = icalendar.Calendar.from_ical(data)
        events = [c for c in calendar.walk() if c.name == "VEVENT"]
        self.assertEqual(len(events), 1)
        event = events[0]
        self.assertEqual(str(event["UID"]), booked["appointment_id"] + "@barbershop")
        starts = datetime.datetime.fromisoformat(booked["appointment"]["date_time"])
        self.assertEqual(event.decoded("DTSTART"), starts)
        self.assertEqual([str(c["TZID"]) for c in calendar.walk() if c.name == "VTIMEZONE"],
                         [event["DTSTART"].params["TZID"]])

        status, _, _ = call(self.gateway, "POST", link)
        self.assertIn(status, (403, 405))
        again = self.json("POST", "/v1/profile/calendar-link", token=token, expect=201)["path"]
        self.assertNotEqual(again, link)
        status, content_type, data = call(self.gateway, "GET", link)
        self.assertEqual(status, 404, data)
        self.assertTrue(content_type.startswith("text/plain"), content_type)
        self.assertEqual(call(self.gateway, "GET", again)[0], 200)


if __name__ == "__main__":
    sys.exit(unittest.main(verbosity=2))
