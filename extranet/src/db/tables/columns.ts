/** ISO 8601 UTC timestamps stored as text on both databases: they sort and compare as strings. */
export type Timestamp = string;
/** Booleans are stored as 0/1 integers in our own tables, on both databases. */
export type Flag = number;
