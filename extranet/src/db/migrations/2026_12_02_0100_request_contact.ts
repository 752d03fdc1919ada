import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Typed Kysely<any> on purpose, like every migration: it must keep compiling as the schema moves on.
const isPg = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

/** The contact details given with a request, kept on the request (design §8, last bullet). */
const CONTACT_COLUMNS = [
  ['contact_first_name', 'first_name'],
  ['contact_last_name', 'last_name'],
  ['contact_phone', 'phone'],
  ['contact_email', 'email'],
  ['contact_commune_insee', 'commune_insee'],
  ['contact_commune_name', 'commune_name'],
  ['contact_situation_rsa', 'situation_rsa'],
  ['contact_situation_job_seeker', 'situation_job_seeker'],
] as const;

const PERSON_COLUMNS = `id, first_name, last_name, phone, email, commune_insee, commune_name, territory,
  situation_rsa, situation_job_seeker, preferred_contact, consent_at, last_contact_at, created_at, updated_at`;

/** The person table as created by the initial migration, phone unique or not (SQLite cannot drop a constraint). */
function personTableSql(name: string, uniquePhone: boolean) {
  return sql.raw(`create table "${name}" (
    "id" integer primary key autoincrement,
    "first_name" text not null,
    "last_name" text,
    "phone" text not null${uniquePhone ? ' unique' : ''},
    "email" text,
    "commune_insee" text,
    "commune_name" text,
    "territory" text,
    "situation_rsa" text not null,
    "situation_job_seeker" text not null,
    "preferred_contact" text not null,
    "consent_at" text not null,
    "last_contact_at" text not null,
    "created_at" text not null,
    "updated_at" text not null
  )`);
}

/**
 * SQLite's documented way to change a constraint: a new table, the rows copied, the old one
 * dropped and the new one renamed, with foreign keys off meanwhile (they cannot be switched inside
 * a transaction; Kysely runs SQLite migrations outside one).
 */
async function rebuildSqlitePerson(db: Kysely<any>, uniquePhone: boolean): Promise<void> {
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await db.transaction().execute(async (trx) => {
      await personTableSql('person_rebuilt', uniquePhone).execute(trx);
      await sql
        .raw(`insert into person_rebuilt (${PERSON_COLUMNS}) select ${PERSON_COLUMNS} from person`)
        .execute(trx);
      await sql`drop table person`.execute(trx);
      await sql`alter table person_rebuilt rename to person`.execute(trx);
      await trx.schema
        .createIndex('person_last_contact_idx')
        .on('person')
        .column('last_contact_at')
        .execute();
      if (!uniquePhone)
        await trx.schema.createIndex('person_phone_idx').on('person').column('phone').execute();
      const broken = await sql`pragma foreign_key_check`.execute(trx);
      if (broken.rows.length) throw new Error('person rebuild broke a foreign key');
    });
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}

/**
 * 1. Each request keeps the contact details given with it (name, phone, e-mail, commune,
 *    situation): an anonymous request never changes an existing person any more, and every message
 *    about a request goes to the details given with that request. Existing requests get their
 *    person's current details (the best we know of what was given).
 * 2. A phone number no longer identifies a person on its own: two people may share one (a family
 *    phone), and an advisor may attach a request to a new person with the same number. The unique
 *    constraint becomes a plain index.
 * 3. The daily cap on receipts per address counts the outbox by address and day: an index for it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const [column] of CONTACT_COLUMNS) {
    await db.schema.alterTable('registration').addColumn(column, 'text').execute();
  }
  await db
    .updateTable('registration')
    .set((eb: any) =>
      Object.fromEntries(
        CONTACT_COLUMNS.map(([column, from]) => [
          column,
          eb
            .selectFrom('person')
            .select(`person.${from}`)
            .whereRef('person.id', '=', 'registration.person_id'),
        ]),
      ),
    )
    .execute();

  if (isPg(db)) {
    await sql`alter table person drop constraint person_phone_key`.execute(db);
    await db.schema.createIndex('person_phone_idx').on('person').column('phone').execute();
  } else {
    await rebuildSqlitePerson(db, false);
  }

  await db.schema
    .createIndex('outbox_to_address_created_idx')
    .on('outbox')
    .columns(['to_address', 'created_at'])
    .execute();
}

/** Back to one person per phone: refused (by the unique constraint) once two people share one. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_to_address_created_idx').execute();
  if (isPg(db)) {
    await db.schema.dropIndex('person_phone_idx').execute();
    await sql`alter table person add constraint person_phone_key unique (phone)`.execute(db);
  } else {
    await rebuildSqlitePerson(db, true);
  }
  for (const [column] of CONTACT_COLUMNS) {
    await db.schema.alterTable('registration').dropColumn(column).execute();
  }
}
