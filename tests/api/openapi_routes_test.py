#!/usr/bin/env python3
"""docs/api/openapi.yaml against the JSON API it describes.

The document lists exactly the routes of the core's route table (services/core/api/
json_routes.cpp), each under its UserService method and success status, and every $ref in
it resolves.  Then every documented route is called on a running core, directly
(BARBERSHOP_TEST_CORE_HTTP) and through the gateway (BARBERSHOP_TEST_GATEWAY_HTTP), without
a token and with an empty body: each answers a status its operation documents, never
"no such route" or 405, with an error body of {code, message}; and each documented path
refuses the methods it does not document with 405.
"""
import http.client
import json
import os
import re
import sys
import unittest

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
METHODS = ("get", "post", "put", "patch", "delete")


def load_document():
    with open(os.path.join(ROOT, "docs", "api", "openapi.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


def route_table():
    """(METHOD, path, rpc, success status) for each row of the route table."""
    with open(os.path.join(ROOT, "services", "core", "api", "json_routes.cpp"), encoding="utf-8") as f:
        text = f.read()
    rows = re.findall(r'\{"(GET|POST|PUT|PATCH|DELETE)", "(/v1/[^"]*)", "(\w+)"(?:, (\d+))?\}', text)
    return [(m, p, rpc, int(status or 200)) for m, p, rpc, status in rows]


def operations(document):
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method.upper(), item[method]


def resolve(document, ref):
    assert ref.startswith("#/"), ref
    node = document
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def call(address, method, path, body=None):
    host, port = address.rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    headers = {}
    if body is not None:
        headers["Content-Type"] = "application/json"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    text = response.read().decode("utf-8", "replace")
    connection.close()
    return response.status, text


class DocumentTest(unittest.TestCase):
    def setUp(self):
        self.document = load_document()

    def test_it_lists_exactly_the_route_table(self):
        table = route_table()
        self.assertGreaterEqual(len(table), 20, "the route table was not read")
        documented = []
        for path, method, operation in operations(self.document):
            self.assertIn("x-rpc", operation, f"{method} {path}")
            successes = [int(s) for s in operation["responses"] if str(s).startswith("2")]
            self.assertEqual(len(successes), 1, f"{method} {path}: one success status")
            documented.append((method, path, operation["x-rpc"], successes[0]))
        self.assertEqual(sorted(documented), sorted(table))

    def test_every_ref_resolves(self):
        def walk(node, where):
            if isinstance(node, dict):
                for key, value in node.items():
                    if key == "$ref":
                        try:
                            resolve(self.document, value)
                        except (KeyError, TypeError):
                            self.fail(f"{where}: {value} resolves to nothing")
                    else:
                        walk(value, f"{where}/{key}")
            elif isinstance(node, list):
                for i, value in enumerate(node):
                    walk(value, f"{where}/{i}")

        walk(self.document, "#")

    def test_operation_ids_are_unique(self):
        ids = [op["operationId"] for _, _, op in operations(self.document)]
        self.assertEqual(len(ids), len(set(ids)))


class ServerTest(unittest.TestCase):
    """Every documented route against a running core, directly and through the gateway."""

    def setUp(self):
        self.document = load_document()
        self.addresses = [a for a in (os.environ.get("BARBERSHOP_TEST_CORE_HTTP"),
                                      os.environ.get("BARBERSHOP_TEST_GATEWAY_HTTP")) if a]
        if not self.addresses:
            self.skipTest("no running core: BARBERSHOP_TEST_CORE_HTTP is not set")

    def test_every_route_answers_a_documented_status(self):
        for address in self.addresses:
            for path, method, operation in operations(self.document):
                concrete = re.sub(r"\{[a-z_]+\}", "placeholder", path)
                body = "{}" if method in ("POST", "PUT", "PATCH") else None
                with self.subTest(address=address, route=f"{method} {path}"):
                    status, text = call(address, method, concrete, body)
                    documented = {int(s) for s in operation["responses"]}
                    self.assertIn(status, documented, f"{method} {concrete} on {address}: {status} {text}")
                    self.assertNotEqual(status, 405, text)
                    answer = json.loads(text)
                    if status >= 400:
                        self.assertEqual(set(answer), {"code", "message"}, text)
                        self.assertNotIn("no such route", answer["message"])

    def test_undocumented_methods_on_documented_paths_are_refused(self):
        for address in self.addresses:
            for path, item in self.document["paths"].items():
                concrete = re.sub(r"\{[a-z_]+\}", "placeholder", path)
                for method in METHODS:
                    if method in item:
                        continue
                    with self.subTest(address=address, route=f"{method.upper()} {path}"):
                        status, text = call(address, method.upper(), concrete)
                        self.assertEqual(status, 405, f"{method.upper()} {concrete} on {address}: {status} {text}")

    def test_an_unknown_route_is_a_json_404(self):
        for address in self.addresses:
            status, text = call(address, "GET", "/v1/no-such-thing")
            self.assertEqual(status, 404)
            self.assertEqual(json.loads(text)["code"], "NOT_FOUND")


if __name__ == "__main__":
    sys.exit(unittest.main(verbosity=2))
