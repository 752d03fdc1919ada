/** Who is looking: the signed-in account as every service and query sees it (role + territories). */
export interface Viewer {
  id: string;
  role: 'admin' | 'advisor';
  territories: string[];
}
