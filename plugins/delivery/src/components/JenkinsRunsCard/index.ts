export { JenkinsRunsCard } from './JenkinsRunsCard';
