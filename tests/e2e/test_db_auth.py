"""Authorization of a database application (docs/db-behaviour.md section 6), on SQLite and
PostgreSQL: the multi-tenant worked example of 6.4 (workspace_id isolation), the admin
secret, the anonymous role, field restrictions, defaults, and HS256 JWT.

Fixture `db-auth` (app `tenants`): notes(id, workspace_id NOT NULL, user_id, title NOT NULL,
secret) seeded with notes 1-2 in workspace 1 and 3-4 in workspace 2, public_items(id, name).
Rules: `user` sees and changes only its workspace (find/save/delete/updateMany checks,
defaults for workspaceId and userId); `reader` may read id and title only; `editor` may save
id, title and workspaceId only; anonymous may read public items. The JWT classes add
`"jwt": {"secret": "jwtsecret", "namespace": "https://example.com/"}` and rename the
anonymous role to `guest`.

Tests that write create their own notes, so they do not depend on each other.
"""

import time
import unittest

from test_db_support import DbTestCase, jwt_hs256, jwt_unsigned

SECRET = "s3cret"
ADMIN = {"X-PLATFORMATIC-ADMIN-SECRET": SECRET}
FORBIDDEN = {"statusCode": 403, "code": "PLT_DB_AUTH_UNAUTHORIZED", "error": "Forbidden",
             "message": "operation not allowed"}
SEED = {
    1: {"id": "1", "workspaceId": 1, "userId": 10, "title": "w1 note a", "secret": "s1"},
    2: {"id": "2", "workspaceId": 1, "userId": 11, "title": "w1 note b", "secret": "s2"},
    3: {"id": "3", "workspaceId": 2, "userId": 20, "title": "w2 note", "secret": "s3"},
    4: {"id": "4", "workspaceId": 2, "userId": 21, "title": "w2 note b", "secret": "s4"},
}


def user(workspace, user_id=None, role="user"):
    h = {**ADMIN, "X-PLATFORMATIC-ROLE": role, "X-PLATFORMATIC-WORKSPACE-ID": str(workspace)}
    if user_id is not None:
        h["X-PLATFORMATIC-USER-ID"] = str(user_id)
    return h


U1 = user(1, 100)
U2 = user(2, 200)


class TenantBehaviour:
    """The 6.4 example with identities carried by headers behind the admin secret."""

    fixture = "db-auth"
    app = "tenants"

    def assertForbidden(self, r):
        self.assertJsonBody(r, 403, FORBIDDEN)

    def note(self, workspace, title, **extra):
        """Creates a note as the admin (no defaults apply) and returns it."""
        return self.ok("POST", "/notes", {"title": title, "workspaceId": workspace, **extra}, headers=ADMIN)

    def admin_get(self, note_id):
        return self.ok("GET", f"/notes/{note_id}", headers=ADMIN)

    # --- who may do what ---------------------------------------------------------------------

    def test_anonymous(self):
        self.assertForbidden(self.req("GET", "/notes"))
        self.assertForbidden(self.req("GET", "/notes/1"))
        self.assertForbidden(self.req("POST", "/notes", {"title": "x", "workspaceId": 1}))
        self.assertForbidden(self.req("DELETE", "/notes/1"))
        self.assertJsonBody(self.req("GET", "/publicItems?where.id.eq=1"), 200, [{"id": "1", "name": "pub"}])
        self.assertEqual(self.get_ok("/publicItems/1"), {"id": "1", "name": "pub"})
        self.assertForbidden(self.req("POST", "/publicItems", {"name": "x"}))
        self.assertForbidden(self.req("PUT", "/publicItems/1", {"name": "x"}))
        self.assertForbidden(self.req("DELETE", "/publicItems/1"))
        self.assertEqual(self.db.rows("SELECT count(*) FROM notes WHERE title = 'x'"), [["0"]])

    def test_role_headers_are_not_trusted_without_the_admin_secret(self):
        headers = {"X-PLATFORMATIC-ROLE": "user", "X-PLATFORMATIC-WORKSPACE-ID": "1"}
        self.assertForbidden(self.req("GET", "/notes", headers=headers))
        self.assertForbidden(self.req("GET", "/notes", headers={**headers, "X-PLATFORMATIC-ADMIN-SECRET": "wrong"}))
        self.assertForbidden(self.req("GET", "/notes", headers={**headers, "X-PLATFORMATIC-ADMIN-SECRET": SECRET + "x"}))
        self.assertForbidden(self.req("GET", "/notes", headers={**headers, "X-PLATFORMATIC-ADMIN-SECRET": ""}))

    def test_admin_secret_alone_is_the_admin(self):
        r = self.req("GET", "/notes?where.id.lte=4&orderby.id=asc", headers=ADMIN)
        self.assertJsonBody(r, 200, [SEED[1], SEED[2], SEED[3], SEED[4]])
        self.assertEqual(self.ok("GET", "/notes/3", headers=ADMIN), SEED[3])
        n = self.note(7, "admin made")
        self.assertEqual(n["workspaceId"], 7)
        self.assertEqual(self.ok("PUT", f"/notes/{n['id']}", {"title": "admin edit", "workspaceId": 8},
                                 headers=ADMIN)["workspaceId"], 8)
        self.assertEqual(self.ok("DELETE", f"/notes/{n['id']}", headers=ADMIN)["title"], "admin edit")
        # The built-in admin rule has no updateMany.
        self.assertForbidden(self.req("PUT", "/notes?where.id.eq=1", {"title": "t", "workspaceId": 1}, headers=ADMIN))
        self.assertEqual(self.admin_get(1), SEED[1])

    def test_unknown_roles(self):
        self.assertForbidden(self.req("GET", "/notes", headers=user(1, role="nobody")))
        self.assertForbidden(self.req("GET", "/publicItems", headers=user(1, role="nobody")))
        # Several roles: the first rule (in configuration order) whose role matches wins.
        r = self.req("GET", "/notes?fields=id&where.id.lte=4&orderby.id=asc", headers=user(2, role="nobody, user"))
        self.assertJsonBody(r, 200, [{"id": "3"}, {"id": "4"}])

    # --- tenant isolation --------------------------------------------------------------------

    def test_list_shows_only_the_own_workspace(self):
        r = self.req("GET", "/notes?where.id.lte=4&orderby.id=asc", headers=U1)
        self.assertJsonBody(r, 200, [SEED[1], SEED[2]])
        self.assertJsonBody(self.req("GET", "/notes?where.id.lte=4&orderby.id=asc", headers=U2), 200, [SEED[3], SEED[4]])
        for headers, ws in ((U1, 1), (U2, 2)):
            rows = self.ok("GET", "/notes?limit=100", headers=headers)
            self.assertTrue(rows)
            self.assertEqual({n["workspaceId"] for n in rows}, {ws})

    def test_client_filters_cannot_widen_the_check(self):
        for query in ("where.workspaceId.eq=2", "where.workspaceId.neq=1", "where.workspaceId.in=1,2",
                      "where.workspaceId.isNull=false", "where.or=(workspaceId.eq=2|id.eq=3)",
                      "where.or=(id.eq=3|id.eq=4)", "where.id.in=3,4", "where.title.like=w2%25"):
            with self.subTest(query=query):
                rows = self.ok("GET", f"/notes?{query}&limit=100", headers=U1)
                self.assertEqual([n for n in rows if n["workspaceId"] != 1], [])
                self.assertNotIn("3", [n["id"] for n in rows])
        self.assertEqual(self.ids("/notes?where.workspaceId.eq=2&where.id.lte=4&orderby.id=asc", headers=U1), ["1", "2"])

    def test_count_counts_only_the_own_workspace(self):
        r = self.req("GET", "/notes?totalCount=true&limit=1&where.id.lte=4&orderby.id=asc", headers=U1)
        self.assertJsonBody(r, 200, [SEED[1]])
        self.assertEqual(r.header("x-total-count"), "2")
        r = self.req("GET", "/notes?totalCount=true&limit=0", headers=U2)
        self.assertEqual(int(r.header("x-total-count")),
                         int(self.db.rows("SELECT count(*) FROM notes WHERE workspace_id = 2")[0][0]))

    def test_get_of_another_tenant_is_not_found(self):
        self.assertEqual(self.ok("GET", "/notes/1", headers=U1), SEED[1])
        self.assertNotFound(self.req("GET", "/notes/3", headers=U1), "GET", "/notes/3")
        self.assertNotFound(self.req("GET", "/notes/1?fields=id", headers=U2), "GET", "/notes/1?fields=id")

    def test_create_applies_the_defaults(self):
        self.assertValidation(self.req("POST", "/notes", {"title": "new"}, headers=U1),
                              "body must have required property 'workspaceId'")
        r = self.req("POST", "/notes", {"title": "new2", "workspaceId": 2, "userId": 999}, headers=U1)
        self.assertEqual(r.status, 200, r)
        n = r.json()
        self.assertEqual(n, {"id": n["id"], "workspaceId": 1, "userId": 100, "title": "new2", "secret": None})
        self.assertEqual(r.header("location"), f"/notes/{n['id']}")
        self.assertEqual(self.db.rows(f"SELECT workspace_id, user_id FROM notes WHERE id = {n['id']}"), [["1", "100"]])
        self.assertNotFound(self.req("GET", f"/notes/{n['id']}", headers=U2), "GET", f"/notes/{n['id']}")

    def test_update_of_another_tenant_is_forbidden(self):
        other = self.note(2, "theirs")
        self.assertForbidden(self.req("PUT", f"/notes/{other['id']}", {"title": "hack", "workspaceId": 2}, headers=U1))
        self.assertForbidden(self.req("PUT", f"/notes/{other['id']}", {"title": "hack", "workspaceId": 1}, headers=U1))
        self.assertForbidden(self.req("POST", "/notes", {"id": int(other["id"]), "title": "hack", "workspaceId": 1},
                                      headers=U1))
        self.assertEqual(self.admin_get(other["id"]), other)
        # No upsert through the check either.
        self.assertForbidden(self.req("PUT", "/notes/987654", {"title": "x", "workspaceId": 1}, headers=U1))
        self.assertEqual(self.db.rows("SELECT count(*) FROM notes WHERE id = 987654"), [["0"]])

    def test_update_of_an_own_note(self):
        mine = self.note(1, "mine")
        r = self.req("PUT", f"/notes/{mine['id']}", {"title": "edited", "workspaceId": 2}, headers=U1)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("location"), f"/notes/{mine['id']}")
        self.assertEqual(r.json()["title"], "edited")
        self.assertEqual(r.json()["workspaceId"], 1)  # the default overwrites the body
        self.assertEqual(self.admin_get(mine["id"])["workspaceId"], 1)

    def test_delete_of_another_tenant_is_not_found(self):
        other = self.note(2, "keep me")
        self.assertNotFound(self.req("DELETE", f"/notes/{other['id']}", headers=U1), "DELETE", f"/notes/{other['id']}")
        self.assertEqual(self.admin_get(other["id"]), other)
        mine = self.note(1, "delete me")
        self.assertEqual(self.ok("DELETE", f"/notes/{mine['id']}", headers=U1), mine)
        self.assertNotFound(self.req("GET", f"/notes/{mine['id']}", headers=ADMIN), "GET", f"/notes/{mine['id']}")

    def test_bulk_update_touches_only_the_own_workspace(self):
        mine = self.note(1, "bulk-src")
        theirs = self.note(2, "bulk-src")
        r = self.req("PUT", "/notes?where.title.eq=bulk-src", {"title": "bulk-done", "workspaceId": 1}, headers=U1)
        self.assertEqual(r.status, 200, r)
        self.assertEqual([n["id"] for n in r.json()], [mine["id"]])
        self.assertEqual(self.admin_get(mine["id"])["title"], "bulk-done")
        self.assertEqual(self.admin_get(theirs["id"]), theirs)
        r = self.req("PUT", f"/notes?where.id.eq={theirs['id']}", {"title": "bulk-hack", "workspaceId": 1}, headers=U1)
        self.assertJsonBody(r, 200, [])
        r = self.req("PUT", f"/notes?where.or=(id.eq={theirs['id']}|workspaceId.eq=2)",
                     {"title": "bulk-hack", "workspaceId": 1}, headers=U1)
        self.assertEqual([n for n in r.json() if n["id"] == theirs["id"]], [])
        self.assertEqual(self.admin_get(theirs["id"]), theirs)
        self.assertEqual(self.db.rows("SELECT count(*) FROM notes WHERE workspace_id = 2 AND title LIKE 'bulk-hack%'"),
                         [["0"]])

    def test_relationship_routes_respect_the_tenant(self):
        # comments 1 (on note 1, workspace 1) and 2 (on note 3, workspace 2); comments have no checks.
        self.assertEqual(self.ok("GET", "/notes/1/comments?fields=id", headers=U1), [{"id": "1"}])
        self.assertNotFound(self.req("GET", "/notes/3/comments", headers=U1), "GET", "/notes/3/comments")
        self.assertEqual(self.ok("GET", "/comments/1/note?fields=id,workspaceId", headers=U1),
                         {"id": "1", "workspaceId": 1})
        self.assertNotFound(self.req("GET", "/comments/2/note", headers=U1), "GET", "/comments/2/note")
        self.assertEqual(self.ok("GET", "/comments/2/note?fields=title", headers=U2), {"title": "w2 note"})
        self.assertForbidden(self.req("GET", "/notes/1/comments"))
        self.assertForbidden(self.req("GET", "/comments/1/note", headers=user(1, role="reader")))

    # --- field restrictions --------------------------------------------------------------------

    def test_reader_field_restrictions(self):
        reader = user(1, role="reader")
        self.assertJsonBody(self.req("GET", "/notes", headers=reader), 403, {
            "statusCode": 403, "code": "PLT_DB_AUTH_FIELD_UNAUTHORIZED", "error": "Forbidden",
            "message": "field not allowed: workspace_id"})
        self.assertError(self.req("GET", "/notes?fields=id,secret", headers=reader), 403,
                         "PLT_DB_AUTH_FIELD_UNAUTHORIZED", "field not allowed: secret")
        r = self.req("GET", "/notes?fields=id,title&where.id.lte=4&orderby.id=asc", headers=reader)
        self.assertJsonBody(r, 200, [{"id": str(i), "title": SEED[i]["title"]} for i in (1, 2, 3, 4)])
        self.assertEqual(self.ok("GET", "/notes/3?fields=title", headers=reader), {"title": "w2 note"})
        self.assertForbidden(self.req("POST", "/notes?fields=id", {"title": "r", "workspaceId": 1}, headers=reader))
        self.assertForbidden(self.req("DELETE", "/notes/1?fields=id", headers=reader))

    def test_editor_save_field_restrictions(self):
        editor = user(5, role="editor")
        r = self.req("POST", "/notes?fields=id,title", {"title": "by editor", "workspaceId": 5}, headers=editor)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["title"], "by editor")
        self.assertEqual(self.admin_get(r.json()["id"])["workspaceId"], 5)
        self.assertError(self.req("POST", "/notes?fields=id", {"title": "x", "workspaceId": 5, "secret": "no"},
                                  headers=editor), 403, "PLT_DB_AUTH_FIELD_UNAUTHORIZED", "field not allowed: secret")
        self.assertError(self.req("POST", "/notes?fields=id,secret", {"title": "x", "workspaceId": 5}, headers=editor),
                         403, "PLT_DB_AUTH_FIELD_UNAUTHORIZED", "field not allowed: secret")
        # Without ?fields= Watt crashes (500 "fields is not iterable"); here a 403, never a 500.
        self.assertError(self.req("POST", "/notes", {"title": "x", "workspaceId": 5}, headers=editor), 403,
                         "PLT_DB_AUTH_FIELD_UNAUTHORIZED")
        self.assertEqual(self.db.rows("SELECT count(*) FROM notes WHERE title = 'x'"), [["0"]])
        self.assertForbidden(self.req("DELETE", "/notes/1", headers=editor))
        self.assertForbidden(self.req("PUT", "/notes?where.id.eq=1&fields=id", {"title": "t", "workspaceId": 1},
                                      headers=editor))  # no updateMany in the editor rule


class SqliteTenantTest(TenantBehaviour, DbTestCase):
    engine = "sqlite"


class PostgresTenantTest(TenantBehaviour, DbTestCase):
    engine = "postgres"


# ==========================================================================================
# JWT


JWT_SECRET = "jwtsecret"
NS = "https://example.com/"


def with_jwt(doc):
    auth = doc["authorization"]
    auth["jwt"] = {"secret": JWT_SECRET, "namespace": NS}
    auth["anonymousRole"] = "guest"
    for rule in auth["rules"]:
        if rule["role"] == "anonymous":
            rule["role"] = "guest"


def bearer(claims, secret=JWT_SECRET, **kw):
    return {"Authorization": "Bearer " + jwt_hs256(claims, secret, **kw)}


def ns_claims(role, workspace, user_id=None):
    c = {NS + "X-PLATFORMATIC-ROLE": role, NS + "X-PLATFORMATIC-WORKSPACE-ID": workspace}
    if user_id is not None:
        c[NS + "X-PLATFORMATIC-USER-ID"] = user_id
    return c


class JwtBehaviour:
    fixture = "db-auth"
    app = "tenants"
    json_patches = {"web/tenants/platformatic.json": with_jwt}

    def assertAnonymous(self, headers):
        self.assertJsonBody(self.req("GET", "/notes", headers=headers), 403, FORBIDDEN)
        self.assertJsonBody(self.req("GET", "/publicItems?where.id.eq=1", headers=headers), 200,
                            [{"id": "1", "name": "pub"}])

    def test_namespaced_claims(self):
        h = bearer(ns_claims("user", "1", "42"))
        r = self.req("GET", "/notes?fields=id,workspaceId&where.id.lte=4&orderby.id=asc", headers=h)
        self.assertJsonBody(r, 200, [{"id": "1", "workspaceId": 1}, {"id": "2", "workspaceId": 1}])
        r = self.req("POST", "/notes", {"title": "jwt", "workspaceId": 9}, headers=h)
        self.assertEqual(r.status, 200, r)
        n = r.json()
        self.assertEqual(n, {"id": n["id"], "workspaceId": 1, "userId": 42, "title": "jwt", "secret": None})
        self.assertNotFound(self.req("GET", "/notes/3", headers=h), "GET", "/notes/3")

    def test_array_role_and_number_claims_without_namespace(self):
        h = bearer({"X-PLATFORMATIC-ROLE": ["user"], "X-PLATFORMATIC-WORKSPACE-ID": 2, "iat": int(time.time())})
        self.assertEqual(self.ids("/notes?fields=id&where.id.lte=4&orderby.id=asc", headers=h), ["3", "4"])

    def test_valid_expiry_is_accepted(self):
        h = bearer({**ns_claims("user", "2"), "exp": int(time.time()) + 3600})
        self.assertEqual(self.ids("/notes?fields=id&where.id.lte=4&orderby.id=asc", headers=h), ["3", "4"])

    def test_invalid_tokens_mean_anonymous(self):
        claims = ns_claims("user", "1")
        bad = {
            "wrong secret": bearer(claims, secret="not-the-secret"),
            "garbage": {"Authorization": "Bearer garbage"},
            "empty": {"Authorization": "Bearer "},
            "not bearer": {"Authorization": "Basic " + jwt_hs256(claims, JWT_SECRET)},
            "expired": bearer({**claims, "exp": int(time.time()) - 60}),
            "not yet valid": bearer({**claims, "nbf": int(time.time()) + 3600}),
            "alg none": {"Authorization": "Bearer " + jwt_unsigned(claims)},
            "alg HS512 label": bearer(claims, header={"alg": "HS512", "typ": "JWT"}),
            "tampered payload": {"Authorization": "Bearer " + self.tampered(claims)},
            "two parts": {"Authorization": "Bearer " + ".".join(jwt_hs256(claims, JWT_SECRET).split(".")[:2])},
        }
        for name, headers in bad.items():
            with self.subTest(token=name):
                self.assertAnonymous(headers)

    def tampered(self, claims):
        from test_db_support import b64url
        import json
        token = jwt_hs256(claims, JWT_SECRET)
        head, _, sig = token.split(".")
        forged = b64url(json.dumps({**claims, NS + "X-PLATFORMATIC-WORKSPACE-ID": "2"}, separators=(",", ":")))
        return f"{head}.{forged}.{sig}"

    def test_custom_anonymous_role(self):
        self.assertAnonymous({})
        self.assertJsonBody(self.req("POST", "/publicItems", {"name": "x"}), 403, FORBIDDEN)

    def test_role_headers_are_ignored(self):
        self.assertAnonymous({"X-PLATFORMATIC-ROLE": "user", "X-PLATFORMATIC-WORKSPACE-ID": "1"})
        # A valid token's claims win over headers.
        h = {**bearer(ns_claims("user", "1")), "X-PLATFORMATIC-WORKSPACE-ID": "2"}
        self.assertEqual(self.ids("/notes?fields=id&where.id.lte=4&orderby.id=asc", headers=h), ["1", "2"])

    def test_admin_secret_with_and_without_token(self):
        for headers in (ADMIN, {**ADMIN, **bearer(ns_claims("user", "1"))},
                        {**ADMIN, "X-PLATFORMATIC-ROLE": "reader"}):
            with self.subTest(headers=sorted(headers)):
                self.assertEqual(self.ids("/notes?fields=id&where.id.lte=4&orderby.id=asc", headers=headers),
                                 ["1", "2", "3", "4"])

    def test_reader_token(self):
        h = bearer(ns_claims("reader", "1"))
        self.assertError(self.req("GET", "/notes", headers=h), 403, "PLT_DB_AUTH_FIELD_UNAUTHORIZED",
                         "field not allowed: workspace_id")
        self.assertEqual(len(self.ok("GET", "/notes?fields=id,title&where.id.lte=4", headers=h)), 4)


class SqliteJwtTest(JwtBehaviour, DbTestCase):
    engine = "sqlite"


class PostgresJwtTest(JwtBehaviour, DbTestCase):
    engine = "postgres"


# ==========================================================================================
# Startup validation of the rules


class RuleValidationBehaviour:
    fixture = "db-auth"
    app = "tenants"
    shared = False

    def start_with_rules(self, edit):
        w = self.watt(self.fixture, env=self.db.env(),
                      json_patches={"web/tenants/platformatic.json": edit})
        code = w.run_to_exit(timeout=30)
        messages = [str(rec.get("msg", "")) for rec in w.logs()]
        return code, "\n".join(messages) + "\n" + w.stdout + "\n" + w.stderr

    def test_unknown_entity_stops_the_start(self):
        def edit(doc):
            doc["authorization"]["rules"][0]["entity"] = "notez"
        code, out = self.start_with_rules(edit)
        self.assertNotEqual(code, 0)
        self.assertIn("Unknown entity 'notez' in authorization rule 0", out)
        self.assertIn("Did you mean 'note'?", out)
        self.assertNotIn("Watt is now listening", out)

    def test_save_fields_must_list_not_null_columns(self):
        def edit(doc):
            doc["authorization"]["rules"][2]["save"]["fields"] = ["id", "title"]
        code, out = self.start_with_rules(edit)
        self.assertNotEqual(code, 0)
        self.assertIn('missing not nullable field: "workspaceId" in save rule for entity "note"', out)


class SqliteRuleValidationTest(RuleValidationBehaviour, DbTestCase):
    engine = "sqlite"


class PostgresRuleValidationTest(RuleValidationBehaviour, DbTestCase):
    engine = "postgres"


if __name__ == "__main__":
    unittest.main()
