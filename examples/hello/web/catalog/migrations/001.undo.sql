DROP TABLE movies;
DROP TABLE studios;
