-- First start of the PostgreSQL container: one database per app, owned by the app role.
CREATE DATABASE maillage_cms OWNER maillage;
CREATE DATABASE maillage_extranet OWNER maillage;
