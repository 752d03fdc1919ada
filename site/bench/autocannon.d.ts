// Minimal typing of what the benchmark uses (autocannon ships no types).
declare module 'autocannon' {
  interface Result {
    requests: { average: number };
    errors: number;
    non2xx: number;
  }
  export default function autocannon(opts: {
    url: string;
    connections: number;
    duration: number;
  }): Promise<Result>;
}
