/**
 * The persons' entry module: the list and its search, a person's file and timeline, and the
 * corrections of a record, each in its own file; the pages import them from here.
 */
export { getPersonFile } from './person-file.ts';
export { PhoneTakenError, updatePerson } from './persons.corrections.ts';
export { listPersons } from './persons.list.ts';
export { mergeTimeline } from './timeline.merge.ts';
export { personTimeline } from './timeline.ts';
