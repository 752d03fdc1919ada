// The extranet's side of scripts/test/backup.test.ts, run as a process (the scripts never import the
// extranet app): `seed` migrates the database named by DATABASE_URL or EXTRANET_DB_FILE and writes 30
// requests with their notes; `read` prints what the database holds. Both print JSON on stdout.
import { createDb } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { insertPerson, registrationRow } from './rows.ts';

const command = process.argv[2];
const database = createDb({
  databaseUrl: process.env.DATABASE_URL || undefined,
  file: process.env.EXTRANET_DB_FILE ?? '',
});
try {
  if (command === 'seed') {
    await migrateToLatest(database.db);
    // Requests and notes, with a few characters that dumps must keep.
    const at = '2026-11-20T10:00:00.000Z';
    const references: string[] = [];
    const notes: string[] = [];
    for (let i = 0; i < 30; i++) {
      const personId = await insertPerson(database.db, at, {
        first_name: `Zoé ${i}`,
        last_name: `L’Hôte-${i}`,
        phone: `+3361${String(2_000_000 + i).slice(-7)}`,
      });
      const reference = `MAI-2026-${String(700_000 + i)}`;
      await database.db
        .insertInto('registration')
        .values(
          registrationRow({
            reference,
            person_id: personId,
            kind: 'support',
            territory: 'valenciennois',
            status: 'received',
            created_at: at,
          }),
        )
        .execute();
      references.push(reference);
      const body = `Entretien n° ${i} : projet de « ferme pédagogique », suite le 12/01.`;
      await database.db
        .insertInto('note')
        .values({
          person_id: personId,
          support_id: null,
          author_id: null,
          kind: 'entretien',
          occurred_at: at,
          body,
          next_action: null,
          due_at: null,
          created_at: at,
        })
        .execute();
      notes.push(body);
    }
    console.log(JSON.stringify({ references, notes }));
  } else if (command === 'read') {
    const tables = await database.db.introspection.getTables();
    if (!tables.some((t) => t.name === 'registration')) console.log(JSON.stringify({ empty: true }));
    else {
      const references = await database.db.selectFrom('registration').select('reference').execute();
      const notes = await database.db.selectFrom('note').select('body').execute();
      console.log(
        JSON.stringify({
          empty: false,
          references: references.map((r) => r.reference),
          notes: notes.map((n) => n.body),
        }),
      );
    }
  } else {
    throw new Error(`usage: backup-fixture.ts seed|read (got ${command})`);
  }
} finally {
  await database.close();
}
