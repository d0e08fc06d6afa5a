export { TrivyCard } from './TrivyCard';
