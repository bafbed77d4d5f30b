CREATE TABLE movies (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  year INTEGER NOT NULL,
  rating REAL NOT NULL
);
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 1000)
INSERT INTO movies (title, year, rating)
SELECT 'Movie number ' || n, 1950 + (n % 75), (n % 50) / 5.0 FROM seq;
