// Availability, the Team workload view and the "Waiting" time (issue 13).
export { WorkloadArea } from './WorkloadArea';
export { WorkloadView, type WorkloadViewProps } from './WorkloadView/WorkloadView';
export { WorkloadNavItem } from './WorkloadNavItem';
export { useAvailability } from './useAvailability';
export { useAvailabilityCommands } from './useAvailabilityCommands';
export { useWorkload } from './useWorkload';
export { waitingLabel, waitingSentence } from './waiting';
