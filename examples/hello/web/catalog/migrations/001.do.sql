CREATE TABLE studios (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL
);

CREATE TABLE movies (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  year INTEGER NOT NULL,
  studio_id INTEGER REFERENCES studios(id)
);

INSERT INTO studios (id, name) VALUES (1, 'Ghibli'), (2, 'Pixar');
INSERT INTO movies (title, year, studio_id) VALUES
  ('My Neighbor Totoro', 1988, 1),
  ('Spirited Away', 2001, 1),
  ('Toy Story', 1995, 2),
  ('Up', 2009, 2);
