/*! Callscope collector 1.0.0: WebRTC stats, events and errors for a Callscope server (ingest protocol v1).
 * Generated from collector/src/callscope.js by `node collector/build.mjs`: do not edit by hand. */
(()=>{"use strict";const n=globalThis;const VERSION="1.0.0";const aP=new Set(["outbound-rtp","inbound-rtp","remote-inbound-rtp","remote-outbound-rtp","media-source","candidate-pair","local-candidate","remote-candidate","transport"]);const bx=/^(goog|header|last|estimated|consent|requests|responsesSent|inserted|removed|corruption|qpSum|audioLevel|frames(Received|Sent|Rendered|Assembled.*)?$|jitterBuffer[TM]|qualityLimitationDurations|total(Decode|Encode|InterFrame|Squared|Processing|Assembly|PacketSend|Corruption|AudioEnergy|SamplesDuration))/;const bz=/^(bytes|packets)(Sent|Received)$/;function slim(ag,bN){const x={};let N=0;ag.forEach(y=>{if(!aP.has(y.type))return;const bO=(x[y.id]={});const bX=y.type=="transport"||y.type=="candidate-pair";for(const l in y){const B=y[l];if(bN||!(bx.test(l)||(bX&&bz.test(l)))){bO[l]=typeof B=="number"&&B%1?Math.round(B*1e6)/1e6:B;}}
N=Math.max(N,y.timestamp||0);});return[x,N];}
const bj=n.document?.currentScript?.src;const b1=new TextEncoder();const aD=new WeakSet();const ai=new WeakSet();let m;let aY=[];let aR;let bT=0;const aQ=bY=>Math.min(3e4,1e3*2**bY)*(0.8+Math.random()*0.4);function statsDelta(w,aA,bR){const am={};const bZ=(a,b)=>a===b||(typeof a=="object"&&JSON.stringify(a)==JSON.stringify(b));for(const id in w)if(!(id in aA))am[id]=null;for(const id in aA){const P=aA[id],R=w[id],Z={};for(const l in P){const bF=l=="timestamp"?P[l]!==bR:l!="id"&&!(R&&bZ(P[l],R[l]));if(bF)Z[l]=P[l];}
if(R)for(const l in R)if(!(l in P))Z[l]=null;if(!R||Object.keys(Z).length)am[id]=Z;}
return am;}
function mergeLabels(D,Y){const az={};for(const af of["mid","trackIdentifier","ssrc"]){const ak=Y?.[af],aj=D?.[af];if(ak||aj){az[af]={...aj};for(const aw in ak)az[af][aw]={...ak[aw],...aj?.[aw]};}}
return az;}
function labelsFor(pc,D,b_=aD){let Y;for(const aM of pc.getTransceivers?.()||[]){const aF=aM.sender?.track;if(aM.mid!=null&&aF&&b_.has(aF)){(Y||={mid:{}}).mid[aM.mid]={kind:"screen-"+aF.kind};}}
return mergeLabels(typeof D=="function"?D():D,Y);}
class Outbox{constructor(U){this.nextSeq=U?.seq??Date.now();this.entries=(U?.out||[]).map(([json,fullReport,size])=>({message:JSON.parse(json),json,fullReport,size}));this.entries.forEach(d=>(d.seq=d.message.seq));this.totalBytes=this.entries.reduce((b0,d)=>b0+d.size,0);this.maxBatchBytes=262144;this.ae=Infinity;this.acked=this.dropped=this.resent=this.rejected=this.droppedUnreported=0;}
add(message,fullReport,J=0,seq){const d={message,fullReport,seq:(message.seq=seq??this.nextSeq++),json:message.type=="join"?null:JSON.stringify(message),};const a4=this.entries.findIndex(t=>t.seq>d.seq);this.entries.splice(a4<0?1e9:a4,0,d);this.totalBytes+=d.size=(d.json?.length||500)+(fullReport?J:0);this.aN=1;while(this.entries.length>1e3||this.totalBytes>2e6){const ah=this.entries.find(t=>t.message.type=="stats")||this.entries.find(t=>t.message.type=="event");if(!ah)break;this.T(ah);this.dropped++;this.droppedUnreported++;const br=ah.message.pc&&this.entries.find(t=>t.message.pc==ah.message.pc&&!t.as);if(br?.fullReport)this.bf(br);this.aU();}
return d;}
bf(d){d.message.report=d.fullReport;delete d.message.delta;d.fullReport=null;d.json=JSON.stringify(d.message);}
T(d){if(d.as)return 0;this.totalBytes-=d.size;return(this.aN=d.as=1);}
aU(){this.entries=this.entries.filter(d=>!d.as);}
aG(d){return(d.json??=JSON.stringify({...this.ao,...d.message}));}
take(){const f=[];let bC=2;for(const d of this.entries){if(d.inFlight)continue;if((bC+=this.aG(d).length+1)>this.maxBatchBytes&&f[0])break;f.push(d);this.resent+=d.b$||0;d.inFlight=d.b$=1;}
return f;}
release(f){f.forEach(d=>(d.inFlight=0));}
answer(f,j,Q){const aB=j.error||{},aC=aB.code,S=aB.index;const bL=new Set((j.ignored||[]).map(bM=>bM.index));let bp=Q?f.length:0,A="",ay=Infinity,ac=-1;if(Q){}else if(/^(unauthorized|forbidden|origin_not_allowed)$/.test(aC)){A="stop";}else if(/^(body_too_large|too_many_messages)$/.test(aC)){this.maxBatchBytes=Math.max(1024,this.maxBatchBytes>>1);if(!f[1]&&this.T(f[0]))this.dropped++;}else if(f[S]){bp=S;if(aC=="full_report_required"&&f[S].fullReport){this.bf(f[S]);}else if(this.T(f[S])){this.rejected++;console.warn("Callscope: message refused",aB);}}else{A="retry";}
for(let i=0;i<bp;i++){if(!bL.has(i)){ay=Math.min(ay,f[i].seq);ac=Math.max(ac,f[i].seq);}
if(this.T(f[i]))this.acked++;}
for(const aI of j.acks||[]){if(aI.sessionId!=this.sessionId){this.sessionId=aI.sessionId;this.ae=ac<0?Infinity:ac;}else{this.ae=Math.min(this.ae,ay);}
for(const d of this.entries){if(d.seq>=this.ae&&d.seq<=aI.seq&&this.T(d))this.acked++;}}
this.release(f);this.aU();return A;}
dump(){return{seq:this.nextSeq,out:this.entries.map(d=>[this.aG(d),d.fullReport,d.size])};}}
class bv{constructor(h){const _=h._deps||{};const u=(this.u=_.navigator||n.navigator||{});const aS=u.userAgentData;this.h=h;this.bA=_.WebSocket||n.WebSocket;this.bH=_.fetch||n.fetch?.bind(n);this.bn=`callscope:${h.meetingId}:${h.participantId}`;let U;try{U=JSON.parse((this.bl=_.storage||n.sessionStorage).getItem(this.bn));}catch{}
const outbox=(this.outbox=new Outbox(U));this.aa=outbox.nextSeq++;this.createdAt=Date.now();this.aH=(h.server||Callscope.origin||n.location?.origin||"").replace(/\/$/,"");this.peerConnections=new Map();this.L=[];this.$=this.aW=this.a3=0;this.o={ticks:0,tickMsTotal:0,tickMsMax:0,processMsTotal:0,statsBytes:0,bytesSent:0,messagesSent:0};this.bm();const ap=bK=>outbox.ao||((outbox.ao={userAgent:u.userAgent,userAgentData:bK||aS?.toJSON?.()}),this.flush());Promise.resolve(aS?.getHighEntropyValues?.(["platformVersion","model","fullVersionList"])).then(ap,()=>ap());setTimeout(ap,300);this.connect();m=this;aY.splice(0).forEach(pc=>pc.signalingState!="closed"&&this.monitor(pc));}
get sessionId(){return this.outbox.sessionId;}
metrics(){const{resent,dropped,acked,rejected}=this.outbox;return{...this.o,resent,dropped,acked,rejected};}
bm(){this.aK||=setInterval(()=>this.tick(),this.h.statsIntervalMs||2e3);}
halt(){this.ab=1;clearInterval(this.aK);this.k?.close();}
G(type,bI,fullReport,J,seq){if(this.ab||(this.v&&type!="join"))return;const h=this.h;const bG={type,meetingId:h.meetingId,participantId:h.participantId,ts:(this.lastMessageAt=Date.now()),...bI};const d=this.outbox.add(bG,fullReport,J,seq);if(type!="stats"&&!this.a$){this.a$=1;queueMicrotask(()=>{this.a$=0;this.flush();});}
return d;}
join(){const h=this.h;this.v=0;this.W=performance.now();this.aV=0;for(const e of this.peerConnections.values())e.w=e.aE=null;this.G("join",{name:h.name,sdk:h.sdk||{name:"callscope-js",version:VERSION},location:h.location},0,0,this.aa);this.aa=null;this.bm();this.k||this.connect();}
leave(reason="left"){if(this.v)return;this.G("leave",{reason});this.v=1;this.W=null;clearInterval(this.aK);this.aK=0;}
event(name,data){this.G("event",{name,data});}
error(code,message,data,source="app"){this.G("error",{code,message:message==null?message:String(message).slice(0,1e3),data,source});}
monitor(pc,monitorOptions={}){let e=this.peerConnections.get(pc);if(e)return void(e.monitorOptions=monitorOptions);this.peerConnections.set(pc,(e={pc,monitorOptions,id:`pc-${Date.now().toString(36)}-${++bT}`}));const ax=(type,bP)=>pc.addEventListener?.(type,()=>this.peerConnections.get(pc)==e&&bP());ax("connectionstatechange",()=>{const state=pc.connectionState;this.event("connection-state",{pc:e.id,state});if(state=="connected"&&this.W!=null&&!this.aV){this.aV=1;this.event("connected",{setupMs:Math.round(performance.now()-this.W)});}
this.aO(e);});ax("iceconnectionstatechange",()=>{const state=pc.iceConnectionState;this.event("ice-state",{pc:e.id,state});if(state=="failed")this.error("ice-failed","ICE connection failed",{pc:e.id},"sdk");});ax("track",()=>this.aO(e));}
aO(e){const bt=direction=>bk=>{const F=bk.transport;bu(bk.track,direction);if(F&&!ai.has(F)){ai.add(F);F.addEventListener("statechange",()=>F.state=="failed"&&m?.error("dtls-failed","DTLS transport failed",{pc:e.id},"sdk"));}};e.pc.getSenders?.().forEach(bt("local"));e.pc.getReceivers?.().forEach(bt("remote"));}
async bc(e){const pc=e.pc,monitorOptions=e.monitorOptions;if(pc.signalingState=="closed")return void this.peerConnections.delete(pc);this.aO(e);let ag,labels;try{ag=await pc.getStats();}catch{return;}
const aJ=performance.now(),z=Date.now();const[x,N]=slim(ag,this.h.allMembers);const V={pc:e.id,remoteParticipantId:monitorOptions.remoteParticipantId,timestamp:N||z};try{labels=labelsFor(pc,monitorOptions.labels);}catch{}
const a5=JSON.stringify(labels),av=!e.w||z-e.bJ>=6e4;if(a5!=(e.aE??"{}")){V.labels=labels;e.aE=a5;}
if(av){V.report=x;e.bJ=z;}else{V.delta=statsDelta(e.w,x,V.timestamp);}
const d=this.G("stats",V,!av&&x,e.J);if(!d)return;e.w=x;if(av)e.J=d.json.length;this.o.statsBytes+=d.json.length;this.o.processMsTotal+=performance.now()-aJ;}
async tick(){if(this.bs)return;this.bs=1;const aJ=performance.now(),o=this.o;if(Date.now()-this.lastMessageAt>=1e4&&this.W!=null)this.event("heartbeat");await Promise.allSettled([...this.peerConnections.values()].map(e=>this.bc(e)));const aZ=performance.now()-aJ;o.ticks++;o.tickMsTotal+=aZ;o.tickMsMax=Math.max(o.tickMsMax,aZ);this.bs=0;this.flush();}
connect(){const h=this.h;const bW=new URLSearchParams({key:h.key,meetingId:h.meetingId,participantId:h.participantId});let k,a8;if(this.k||this.ab||(this.v&&!this.outbox.entries[0]))return;const a7=aT=>{if(this.k!=k)return;this.k=null;this.L.splice(0).forEach(f=>this.outbox.release(f));if(aT==1009)this.outbox.maxBatchBytes=Math.max(1024,this.outbox.maxBatchBytes>>1);if(!a8)this.$++;setTimeout(()=>this.connect(),aT==1009?0:aQ(this.$));this.flush();};try{k=this.k=new this.bA(this.aH.replace(/^http/,"ws")+"/ingest/v1/ws?"+bW);}catch{return a7();}
k.onopen=()=>{a8=1;this.$=0;for(const e of this.peerConnections.values())e.w=e.aE=null;this.flush();};k.onclose=bE=>a7(bE.code);k.onmessage=bQ=>{let j;try{j=JSON.parse(bQ.data);}catch{}
if(j?.type=="kick")this.a2(j);else if(/^(ack|error)$/.test(j?.type)&&this.L[0])this.a1(this.L.shift(),j,j.type=="ack");};}
flush(){const outbox=this.outbox,k=this.k,z=Date.now();let f;if(this.ab||!outbox.ao||z<this.a3)return;if(this.aa!=null){if(z-this.createdAt<15e3)return;this.aa=null;}
if(k?.readyState==1){while(this.L.length<4&&(f=outbox.take())[0]){this.L.push(f);k.send(this.a_(f));}
if(this.v&&!outbox.entries[0])k.close();}else if(this.$>1&&!this.bd&&(f=outbox.take())[0]){this.bU(f);}
this.bh();}
a_(f){const a0="["+f.map(d=>d.json)+"]";this.o.bytesSent+=b1.encode(a0).length;this.o.messagesSent+=f.length;return a0;}
async bU(f){let j={},ad=0;this.bd=1;try{const bg=await this.bH(this.aH+"/ingest/v1",{method:"POST",headers:{authorization:"Bearer "+this.h.key,"content-type":"application/json"},body:this.a_(f),});ad=bg.status;j=await bg.json().catch(()=>j);}catch{}
this.bd=0;j.error||={code:{401:"unauthorized",403:"forbidden",413:"body_too_large"}[ad]};if(ad){this.a1(f,j,ad==200);}else{this.outbox.release(f);this.bi();}}
a1(f,j,Q){const outbox=this.outbox,bV=outbox.sessionId,A=outbox.answer(f,j,Q);if(A=="stop"){console.warn(`Callscope: refused (${j.error.code}); check the key, server and allowed origins. Nothing more is sent.`);this.halt();}
if(A=="retry")this.bi();else this.aW=0;if(Q&&outbox.droppedUnreported){this.event("collector-dropped",{count:outbox.droppedUnreported});outbox.droppedUnreported=0;}
if(outbox.sessionId!=bV)this.h.onSession?.(outbox.sessionId,this.h.meetingId);(j.kicks||[]).forEach(kick=>this.a2(kick));this.flush();}
bi(){const aX=aQ(this.aW++);this.a3=Date.now()+aX;setTimeout(()=>this.flush(),aX);}
a2(kick){const h=this.h;if(kick.participantId!=h.participantId||(kick.meetingId&&kick.meetingId!=h.meetingId)||this.v)return;h.onKick?.(kick.reason);this.leave("kicked");}
bh(){const outbox=this.outbox,bo=B=>this.bl.setItem(this.bn,JSON.stringify(B));if(outbox.aN&&this.bl){try{bo(outbox.dump());outbox.aN=0;}catch{try{bo({seq:outbox.nextSeq});}catch{}}}}
bye(){if(this.v||this.ab)return;this.leave("closed");const al=[];let bD=0;for(const d of[...this.outbox.entries].reverse()){if((bD+=this.outbox.aG(d).length+1)<6e4||!al[0])al.unshift(d.json);}
this.u.sendBeacon?.(this.aH+"/ingest/v1?key="+encodeURIComponent(this.h.key),"["+al+"]");this.bh();}}
const bw={NotAllowedError:"denied",NotFoundError:"no-device",NotReadableError:"in-use",OverconstrainedError:"overconstrained",AbortError:"aborted",SecurityError:"blocked",TypeError:"invalid-constraints",};function bu(track,direction){if(!track||ai.has(track))return;ai.add(track);for(const aL of["mute","unmute","ended"]){track.addEventListener(aL,()=>m?.event(aL=="ended"?"track-ended":aL,{kind:(aD.has(track)?"screen-":"")+track.kind,direction}));}}
function bS(){if(aR)return;aR=1;const u=n.navigator||{},ar=u.mediaDevices;const bb=n.RTCPeerConnection?.prototype,M=u.connection;const au=(ba,r,b2)=>{const a9=ba?.[r];if(a9){ba[r]=function(...q){return b2.call(this,q,()=>a9.apply(this,q),m?.peerConnections.get(this));};}};au(bb,"close",function(q,E,e){if(e){m.event("connection-state",{pc:e.id,state:"closed"});m.bc(e);m.peerConnections.delete(this);}
return E();});for(const r of["restartIce","createOffer"]){au(bb,r,(q,E,e)=>{if(e&&(r=="restartIce"||q.some(bB=>bB?.iceRestart)))m.event("ice-restart",{pc:e.id});return E();});}
for(const r of["getUserMedia","getDisplayMedia"]){au(ar,r,async(q,E)=>{try{const bq=await E();for(const track of bq.getTracks()){if(r=="getDisplayMedia")aD.add(track);bu(track,"local");}
return bq;}catch(H){m?.error(r.toLowerCase()+"-"+(bw[H.name]||"failed"),`${H.name}: ${H.message}`,{constraints:q[0],constraint:H.constraint},"sdk");throw H;}});}
ar?.addEventListener?.("devicechange",async()=>{const aq={};for(const a6 of await ar.enumerateDevices())aq[a6.kind]=(aq[a6.kind]||0)+1;m?.event("device-change",aq);});M?.addEventListener?.("change",()=>m?.event("network-change",{type:M.type,effectiveType:M.effectiveType,downlink:M.downlink,rtt:M.rtt}));n.addEventListener?.("pagehide",()=>m?.bye());}
const Callscope=(n.Callscope={version:VERSION,origin:bj&&new URL(bj).origin,init(h){bS();return new bv(h);},wrap(){const C=n.RTCPeerConnection;if(!C||C.callscope)return;function RTCPeerConnection(...q){const pc=Reflect.construct(C,q,new.target||RTCPeerConnection);m?m.monitor(pc):aY.push(pc);return pc;}
RTCPeerConnection.prototype=C.prototype;RTCPeerConnection.callscope=1;n.RTCPeerConnection=Object.setPrototypeOf(RTCPeerConnection,C);},_internal:{statsDelta,slim,mergeLabels,labelsFor,Outbox,TYPES:aP},});})();
