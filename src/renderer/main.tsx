/** Renderer entry (placeholder until the UI lands). */
import { createRoot } from 'react-dom/client';

createRoot(document.getElementById('root')!).render(<p>S3 Drop</p>);
