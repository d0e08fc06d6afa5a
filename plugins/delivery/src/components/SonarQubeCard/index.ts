export { SonarQubeCard } from './SonarQubeCard';
