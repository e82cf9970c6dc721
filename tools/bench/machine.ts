// The machine a run happened on, for the report: numbers mean little without it.
import { availableParallelism, cpus, loadavg, release, totalmem, type as osType } from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
}

export function machineInfo(): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${osType()} ${release()}`,
    node: process.version,
  };
}

export function describeMachine(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores (nproc), ${m.memoryGiB} GiB RAM, ${m.os}, Node ${m.node}`;
}

/** The 1-minute load average: other work on the machine skews every timing, so the report says. */
export function loadAverage(): number {
  return Math.round(loadavg()[0] * 10) / 10;
}
