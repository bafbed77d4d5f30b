"""The bundled example (examples/hello), which the README's first command starts: a gateway in
front of a black-box Node app, a factory Node app with two workers and a SQLite database
application, talking over the mesh. The example folder is copied as is and started on a free
port; every link its home page advertises must answer."""

import json
import os
import shutil
import unittest

from harness import HERE, WattProcess, WattTestCase

EXAMPLE = os.path.join(HERE, "..", "..", "examples", "hello")


class ExampleTest(WattTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        w = WattProcess()
        cls.addClassCleanup(w.cleanup)
        shutil.copytree(EXAMPLE, w.dir, dirs_exist_ok=True)
        w.start(env={"HOSTNAME": "127.0.0.1"})
        cls.w = w

    def test_home_page_goes_through_the_mesh_to_the_api_and_the_database(self):
        r = self.w.get("/?name=Ada")
        self.assertEqual(r.status, 200, r.body[:500])
        page = r.body.decode()
        self.assertIn("<h1>Hello Ada!</h1>", page)
        self.assertIn("<code>api</code>", page)
        # The three latest movies, from the catalog application's migration.
        self.assertIn("<li>Up (2009)</li><li>Spirited Away (2001)</li><li>Toy Story (1995)</li>", page)

    def test_api_through_the_gateway(self):
        body = self.w.get_json("/api/hello?name=Watt")
        self.assertEqual(body["message"], "Hello Watt!")
        self.assertEqual(body["application"], "api")

    def test_catalog_rest_openapi_and_graphql(self):
        movies = self.w.get_json("/catalog/movies?orderby.year=asc&fields=title,year")
        self.assertEqual(movies[0], {"title": "My Neighbor Totoro", "year": 1988})
        self.assertEqual(len(movies), 4)
        doc = self.w.get_json("/catalog/documentation/json")
        self.assertIn("/movies/{id}", doc["paths"])
        r = self.w.request("POST", "/catalog/graphql",
                           body={"query": "{ studios { name movies(orderBy: [{field: year, direction: ASC}]) { title } } }"})
        self.assertEqual(r.status, 200, r.body[:500])
        self.assertEqual(json.loads(r.body)["data"]["studios"][0],
                         {"name": "Ghibli", "movies": [{"title": "My Neighbor Totoro"}, {"title": "Spirited Away"}]})
        self.assertEqual(self.w.get("/catalog/graphiql").status, 200)


if __name__ == "__main__":
    unittest.main()
