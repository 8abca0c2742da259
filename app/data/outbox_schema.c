/* outbox_schema.c - the outbox's tables, as steps of store.c's schema migrations. */
#include "outbox_schema.h"

/* 1 -> 2: the suggestion outbox and staff flags (docs/OUTBOX.md). No
 * rowids, no timestamps finer than a date: nothing orders submissions. */
const char outbox_schema_2[] =
    "CREATE TABLE submissions ("
    "  id TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36),"   /* random UUID v4 */
    "  receipt TEXT NOT NULL UNIQUE CHECK (length(receipt) = 8),"
    "  topic TEXT NOT NULL,"
    "  lang TEXT NOT NULL,"
    "  day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),"
    "  payload TEXT NOT NULL,"                                 /* frozen JSON */
    "  bytes INTEGER NOT NULL,"                                /* length of payload */
    "  state TEXT NOT NULL DEFAULT 'waiting'"
    "    CHECK (state IN ('waiting', 'delivered', 'dead', 'exported'))"
    ") WITHOUT ROWID;"
    "CREATE INDEX submissions_state ON submissions (state, bytes);"
    "CREATE TABLE contacts ("
    "  submission_id TEXT NOT NULL PRIMARY KEY"
    "    REFERENCES submissions (id) ON DELETE CASCADE,"
    "  contact TEXT NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE TABLE flags ("
    "  name TEXT NOT NULL PRIMARY KEY,"
    "  raised_on TEXT NOT NULL"
    "    CHECK (raised_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),"
    "  detail TEXT NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE TRIGGER submissions_frozen BEFORE UPDATE OF id, receipt, topic, lang, day,"
    "  payload, bytes ON submissions"
    "  BEGIN SELECT RAISE(ABORT, 'submission payload is immutable'); END;"
    "CREATE TRIGGER contacts_frozen BEFORE UPDATE ON contacts"
    "  BEGIN SELECT RAISE(ABORT, 'contact is immutable'); END;"
    /* Also for connections without PRAGMA foreign_keys (the cascade's). */
    "CREATE TRIGGER submissions_delete_contact AFTER DELETE ON submissions"
    "  BEGIN DELETE FROM contacts WHERE submission_id = old.id; END;";

/* 2 -> 3: upload bookkeeping (docs/PROTOCOL.md). A deliveries row
 * exists while a submission is in an upload batch; times in it are
 * about the network (next try), never about the resident. */
const char outbox_schema_3[] =
    "CREATE TABLE deliveries ("
    "  submission_id TEXT NOT NULL PRIMARY KEY"
    "    REFERENCES submissions (id) ON DELETE CASCADE,"
    "  payload_done INTEGER NOT NULL DEFAULT 0,"    /* the server has the submission */
    "  tries INTEGER NOT NULL DEFAULT 0,"           /* failed tries of the part being sent */
    "  refusals INTEGER NOT NULL DEFAULT 0,"        /* of which refused with a 4xx */
    "  next_try INTEGER NOT NULL DEFAULT 0,"        /* Unix ms: not before */
    "  last_status INTEGER NOT NULL DEFAULT 0,"     /* HTTP status, 0 = no response */
    "  last_error TEXT NOT NULL DEFAULT '',"
    "  delivered_on TEXT"                           /* local date, for retention */
    ") WITHOUT ROWID;"
    "CREATE TRIGGER submissions_delete_delivery AFTER DELETE ON submissions"
    "  BEGIN DELETE FROM deliveries WHERE submission_id = old.id; END;"
    "CREATE TABLE uploader_state ("
    "  key TEXT NOT NULL PRIMARY KEY,"
    "  value"
    ") WITHOUT ROWID;";

const char outbox_schema_any_row[] = "EXISTS (SELECT 1 FROM submissions)";
