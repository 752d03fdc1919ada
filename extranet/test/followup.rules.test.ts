import { describe, expect, it } from 'vitest';
import { weekOf } from '../src/features/dashboard/dashboard.view.ts';
import { noteForm } from '../src/features/notes/notes.rules.ts';
import { mergedValues } from '../src/features/persons/merge.service.ts';
import { isPossibleDuplicate } from '../src/features/persons/persons.rules.ts';
import {
  checkPhaseChange,
  endState,
  endSupportForm,
  isQuiet,
  nextPhases,
  supportEndOn,
} from '../src/features/supports/supports.rules.ts';

describe('support phases', () => {
  it('move forward only, possibly skipping a step', () => {
    const at = { phase: 'maturation' as const, startedOn: '2026-03-01' };
    expect(checkPhaseChange(at, { phase: 'creation', startedOn: '2026-04-01' })).toBe('ok');
    expect(checkPhaseChange(at, { phase: 'developpement', startedOn: '2026-04-01' })).toBe('ok');
    expect(checkPhaseChange(at, { phase: 'maturation', startedOn: '2026-04-01' })).toBe('not-forward');
    expect(checkPhaseChange(at, { phase: 'emergence', startedOn: '2026-04-01' })).toBe('not-forward');
  });

  it('refuse a change dated before the current phase began', () => {
    const at = { phase: 'emergence' as const, startedOn: '2026-03-01' };
    expect(checkPhaseChange(at, { phase: 'maturation', startedOn: '2026-02-28' })).toBe('before-previous');
    expect(checkPhaseChange(at, { phase: 'maturation', startedOn: '2026-03-01' })).toBe('ok');
  });

  it('offer only the later phases', () => {
    expect(nextPhases('emergence')).toEqual(['maturation', 'creation', 'developpement']);
    expect(nextPhases('developpement')).toEqual([]);
  });
});

describe('quiet supports', () => {
  it('warn after 45 days without contact, not on the 45th day', () => {
    expect(isQuiet('2026-10-18', '2026-12-02')).toBe(false); // 45 days
    expect(isQuiet('2026-10-17', '2026-12-02')).toBe(true); // 46 days
    expect(isQuiet('2026-12-02', '2026-12-02')).toBe(false);
  });

  it('count calendar days across the change to winter time', () => {
    // 2026-10-25 is the switch to winter time in Paris: still whole days.
    expect(isQuiet('2026-09-20', '2026-11-04')).toBe(false); // 45 days
    expect(isQuiet('2026-09-19', '2026-11-04')).toBe(true);
  });
});

describe('the 3 years of a support', () => {
  it('ends 3 years after its start, is flagged 60 days ahead, and is over from that day', () => {
    expect(supportEndOn('2023-12-02')).toBe('2026-12-02');
    expect(supportEndOn('2024-02-29')).toBe('2027-03-01');
    expect(endState('2023-12-02', '2026-12-02')).toEqual({ endOn: '2026-12-02', daysLeft: 0, state: 'over' });
    expect(endState('2024-01-31', '2026-12-02').state).toBe('soon'); // 60 days left
    expect(endState('2024-01-31', '2026-12-02').daysLeft).toBe(60);
    expect(endState('2024-02-01', '2026-12-02').state).toBe('ok'); // 61 days left
    expect(endState('2023-06-01', '2026-12-02').daysLeft).toBeLessThan(0);
  });
});

describe('end of a support', () => {
  it('needs the activity’s name, form, date and jobs, or a reason', () => {
    const ok = endSupportForm.safeParse({
      outcome: 'activite',
      activityName: 'Épicerie solidaire du Coron',
      legalForm: 'association',
      outcomeDate: '2026-11-30',
      jobsCreated: '2',
    });
    expect(ok.success && ok.data).toMatchObject({ jobsCreated: 2, legalForm: 'association' });
    const missing = endSupportForm.safeParse({
      outcome: 'activite',
      outcomeDate: '2026-11-30',
      jobsCreated: '1',
    });
    expect(missing.error?.issues.map((i) => i.message)).toContain('Indiquez le nom de l’activité créée.');
    const reason = endSupportForm.safeParse({
      outcome: 'arret',
      reason: 'emploi-salarie',
      outcomeDate: '2026-11-30',
    });
    expect(reason.success).toBe(true);
    const none = endSupportForm.safeParse({ outcomeDate: '2026-11-30' });
    expect(none.error?.issues[0]?.message).toBe('Choisissez comment l’accompagnement se termine.');
  });
});

describe('notes', () => {
  const form = noteForm('2026-12-02');
  it('need a due date with a next action, and an action with a due date', () => {
    const base = { kind: 'entretien', occurredOn: '2026-12-01', body: 'Point sur le projet.' };
    expect(form.safeParse(base).success).toBe(true);
    expect(form.safeParse({ ...base, nextAction: 'Appeler la CCI' }).error?.issues[0]).toMatchObject({
      path: ['dueOn'],
      message: 'Indiquez l’échéance de la prochaine action.',
    });
    expect(form.safeParse({ ...base, dueOn: '2026-12-10' }).error?.issues[0]?.path).toEqual(['nextAction']);
    expect(form.safeParse({ ...base, nextAction: 'Appeler la CCI', dueOn: '2026-12-10' }).success).toBe(true);
  });

  it('take an optional time, never later than now on today, and a well-formed one', () => {
    const at = noteForm('2026-12-02', '10:30');
    const base = { kind: 'appel', occurredOn: '2026-12-02', body: 'Appel.' };
    expect(at.safeParse(base).data?.occurredTime).toBeUndefined();
    expect(at.safeParse({ ...base, occurredTime: '' }).data?.occurredTime).toBeUndefined();
    expect(at.safeParse({ ...base, occurredTime: '10:30' }).success).toBe(true);
    expect(at.safeParse({ ...base, occurredTime: '10:31' }).error?.issues[0]?.path).toEqual(['occurredTime']);
    // Another day: any time of it.
    expect(at.safeParse({ ...base, occurredOn: '2026-12-01', occurredTime: '23:59' }).success).toBe(true);
    expect(at.safeParse({ ...base, occurredTime: '25:00' }).error?.issues[0]?.message).toBe(
      'Indiquez l’heure (hh:mm), ou laissez-la vide.',
    );
  });

  it('refuse a date in the future and an empty body', () => {
    const r = form.safeParse({ kind: 'appel', occurredOn: '2026-12-03', body: '  ' });
    expect(r.error?.issues.map((i) => i.message).sort()).toEqual(
      [
        'Écrivez la note.',
        'Une note raconte ce qui s’est passé : sa date ne peut pas être dans le futur. Pour plus tard, écrivez une prochaine action avec son échéance, ou fixez un rendez-vous.',
      ].sort(),
    );
  });
});

describe('possible duplicates', () => {
  const other = {
    id: 1,
    first_name: 'Nadia',
    last_name: 'Benali',
    phone: '+33611223344',
    commune_insee: '59606',
    commune_name: 'Valenciennes',
  };
  it('are the same phone number', () => {
    expect(isPossibleDuplicate({ firstName: 'Autre', phone: '+33611223344' }, other)).toBe('phone');
  });
  it('are the same name in the same commune, accents and case aside', () => {
    expect(
      isPossibleDuplicate(
        { firstName: 'nadia', lastName: 'BÉNALI', phone: '+33600000000', communeInsee: '59606' },
        other,
      ),
    ).toBe('name');
    expect(
      isPossibleDuplicate(
        { firstName: 'Nadia', lastName: 'Benali', phone: '+33600000000', communeName: 'valenciennes' },
        other,
      ),
    ).toBe('name');
  });
  it('are not the same name elsewhere, nor a first name alone', () => {
    expect(
      isPossibleDuplicate(
        { firstName: 'Nadia', lastName: 'Benali', phone: '+33600000000', communeInsee: '59178' },
        other,
      ),
    ).toBeNull();
    expect(
      isPossibleDuplicate({ firstName: 'Nadia', phone: '+33600000000', communeInsee: '59606' }, other),
    ).toBeNull();
  });
});

describe('the dashboard week', () => {
  it('runs Monday to Sunday', () => {
    expect(weekOf('2026-12-02')).toEqual({ monday: '2026-11-30', sunday: '2026-12-06' });
    expect(weekOf('2026-12-06')).toEqual({ monday: '2026-11-30', sunday: '2026-12-06' });
    expect(weekOf('2026-11-30')).toEqual({ monday: '2026-11-30', sunday: '2026-12-06' });
  });
});

describe('merging two records of a person', () => {
  const base = {
    id: 1,
    first_name: 'Nadia',
    last_name: 'Benali',
    phone: '+33611223344',
    email: null,
    commune_insee: null,
    commune_name: null,
    territory: 'valenciennois',
    situation_rsa: 'ne-se-prononce-pas',
    situation_job_seeker: 'oui',
    preferred_contact: 'appel' as const,
    consent_at: '2026-05-01T10:00:00.000Z',
    last_contact_at: '2026-06-01T10:00:00.000Z',
    created_at: '2026-05-01T10:00:00.000Z',
    updated_at: '2026-05-01T10:00:00.000Z',
    erased_at: null,
    sms_opt_out_at: null,
  };
  it('keeps what is known of the kept record and fills its gaps from the other', () => {
    const other = {
      ...base,
      id: 2,
      last_name: 'Autre',
      phone: '+33700000000',
      email: 'nadia@exemple.test',
      commune_insee: '59606',
      commune_name: 'Valenciennes',
      territory: 'douaisis',
      situation_rsa: 'oui',
      situation_job_seeker: 'non',
      consent_at: '2026-04-01T10:00:00.000Z',
      last_contact_at: '2026-11-01T10:00:00.000Z',
    };
    expect(mergedValues(base, other)).toEqual({
      email: 'nadia@exemple.test',
      commune_insee: '59606',
      commune_name: 'Valenciennes',
      situation_rsa: 'oui',
      consent_at: '2026-04-01T10:00:00.000Z',
      last_contact_at: '2026-11-01T10:00:00.000Z',
    });
  });
  it('changes nothing when the other record knows nothing more', () => {
    expect(mergedValues({ ...base, email: 'a@b.test' }, { ...base, id: 2 })).toEqual({});
  });
});
