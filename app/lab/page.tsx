import { LabPage } from '../../components/lab/lab-page';

export default function Lab() {
  return <LabPage />;
}
